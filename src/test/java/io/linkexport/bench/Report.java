package io.linkexport.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Formats a run as a Markdown table and appends it, with date, machine and command, to docs/benchmarks.md. */
final class Report {

  private Report() {
  }

  static String table(int links, int clicks, double seedSeconds, Bench.LoadResult clicksPage, Bench.LoadResult search,
                      Bench.ExportResult export, String heap) {
    StringBuilder b = new StringBuilder();
    b.append("| measure | value |\n|---|---|\n");
    b.append(String.format("| seed %,d links / %,d clicks (rollup triggers on) | %.1f s |%n", links, clicks, seedSeconds));
    b.append(load("list `sortBy=clicks&pageSize=100`", clicksPage));
    b.append(load("list `search=sale&pageSize=100`", search));
    b.append(String.format("| export rows / bytes | %,d / %,d |%n", export.rows(), export.bytes()));
    b.append(String.format("| export processing (started -> finished), median of 3 | %,d ms |%n", export.processingMs()));
    b.append(String.format("| export wall time (POST -> completed) | %,d ms |%n", export.wallMs()));
    b.append(String.format("| export rows/s | %,d |%n", export.processingMs() == 0 ? 0
      : export.rows() * 1000 / export.processingMs()));
    b.append(String.format("| service peak heap used during export (-Xmx%s) | %.1f MiB |%n", heap,
      export.peakHeapBytes() / 1048576.0));
    return b.toString();
  }

  private static String load(String what, Bench.LoadResult r) {
    return String.format("| %s: req/s, p50, p90, p99, max (32 connections, %.0f s) | %.0f, %.1f ms, %.1f ms, %.1f ms, "
        + "%.1f ms (%d errors) |%n", what, r.seconds(), r.rps(), r.p50us() / 1000.0, r.p90us() / 1000.0,
      r.p99us() / 1000.0, r.maxUs() / 1000.0, r.errors());
  }

  static void append(Path file, String table, String args) throws Exception {
    String machine = "nproc " + Runtime.getRuntime().availableProcessors() + ", "
      + (Runtime.getRuntime().maxMemory() / 1048576) + " MiB max heap of the bench JVM, Java "
      + System.getProperty("java.version") + ", " + cpuModel();
    String entry = "\n## " + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0) + "\n\n"
      + "Machine: " + machine + "\n\nCommand: `bench/run.sh " + args + "`\n\n" + table;
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, "# Benchmarks\n\nAppended by `bench/run.sh` (see README, \"Performance\").\n");
    }
    Files.writeString(file, entry, StandardOpenOption.APPEND);
  }

  private static String cpuModel() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
      new ProcessBuilder("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").start().getInputStream(),
      StandardCharsets.UTF_8))) {
      String l = r.readLine();
      return l == null ? "unknown CPU" : l.trim();
    } catch (Exception e) {
      return "unknown CPU";
    }
  }
}
