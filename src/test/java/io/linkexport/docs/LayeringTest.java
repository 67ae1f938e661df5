package io.linkexport.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dependency rules of the main code, read from its sources (imports and fully qualified names alike): the HTTP
 * layer is on top and nothing imports it; the bus contract and the retry policy depend on no other package of the
 * service but telemetry (request ids and meters), which depends on none; the dev-only packages stay out of the main
 * code.
 */
class LayeringTest {

  private static final Path MAIN = Path.of("src/main/java/io/linkexport");
  private static final Pattern REFERENCE = Pattern.compile("io\\.linkexport\\.([a-z]+)\\.");

  /** What each package may use of the service's own packages (besides itself). */
  private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
    Map.entry("telemetry", Set.of()),
    Map.entry("bus", Set.of("telemetry")),
    Map.entry("retry", Set.of()),
    Map.entry("db", Set.of("bus")),
    Map.entry("links", Set.of("bus", "db", "projects", "telemetry")),
    Map.entry("projects", Set.of("bus", "db")),
    Map.entry("storage", Set.of("bus", "retry")),
    Map.entry("export", Set.of("bus", "db", "links", "projects", "retry", "storage", "telemetry", "webhooks")),
    Map.entry("mail", Set.of("bus", "db", "retry", "storage", "telemetry", "webhooks")),
    Map.entry("webhooks", Set.of("bus", "db", "projects")),
    Map.entry("seed", Set.of("db")));

  @Test
  void eachPackageUsesOnlyThePackagesBelowIt() throws IOException {
    List<String> violations = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String pkg = MAIN.relativize(file).getNameCount() > 1 ? MAIN.relativize(file).getName(0).toString() : "";
        Set<String> allowed = ALLOWED.get(pkg);
        if (allowed == null) {
          continue; // the top: Main, Application, AppConfig, cluster, http
        }
        Matcher m = REFERENCE.matcher(Files.readString(file));
        while (m.find()) {
          String used = m.group(1);
          if (!used.equals(pkg) && !allowed.contains(used)) {
            violations.add(MAIN.relativize(file) + " uses io.linkexport." + used);
          }
        }
      }
    }
    assertThat(violations).as("dependencies against the layering").isEmpty();
  }
}
