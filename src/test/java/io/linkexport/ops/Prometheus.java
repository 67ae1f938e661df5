package io.linkexport.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses Prometheus's text exposition format: one sample per line, {@code name{labels} value [timestamp]}. */
final class Prometheus {

  private Prometheus() {
  }

  /** Sample name with its labels as written (e.g. {@code x_total{reason="A"}}) to value; comments skipped. */
  static Map<String, Double> parse(String exposition) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('}');
      int space = line.indexOf(' ', end < 0 ? 0 : end);
      if (space < 0) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      String value = line.substring(space + 1).trim().split(" ")[0];
      out.put(line.substring(0, space), parseValue(value));
    }
    return out;
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }
}
