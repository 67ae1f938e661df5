package io.linkexport.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes the directories the embedded servers ran in once they are stopped: a suite's Postgres and s3proxy left
 * about 2.5 GB in the temporary directory per run (and the smoke benchmark 270 MB), which filled a developer's disk
 * after a few dozen runs. {@code KEEP_TEST_DATA=1} keeps them, to read Postgres' log after a failure.
 *
 * <p>A JVM that dies or is stopped before its shutdown hook ends (Maven ends a forked test JVM that is slow to exit)
 * leaves its directory: {@link #sweep} removes such leftovers when the next suite starts.
 */
public final class TempDirs {

  private TempDirs() {
  }

  /** Deletes {@code dir} and everything under it unless KEEP_TEST_DATA is set; call after its servers stopped. */
  public static void remove(Path dir) {
    if (System.getenv("KEEP_TEST_DATA") != null || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("could not remove " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Removes {@code prefix}* directories in the temporary directory left by earlier runs: older than {@code age} and
   * whose Postgres ({@code pg/postmaster.pid}) is not running. A suite that runs beside this one keeps its directory:
   * its postmaster is alive. Unless KEEP_TEST_DATA is set.
   */
  public static void sweep(String prefix, Duration age) {
    if (System.getenv("KEEP_TEST_DATA") != null) {
      return;
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Instant before = Instant.now().minus(age);
    List<Path> stale;
    try (Stream<Path> all = Files.list(tmp)) {
      stale = all.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
        .filter(p -> modifiedBefore(p, before) && !postgresRunsIn(p.resolve("pg")))
        .toList();
    } catch (IOException e) {
      return;
    }
    stale.forEach(TempDirs::remove);
  }

  private static boolean modifiedBefore(Path dir, Instant before) {
    try {
      return Files.getLastModifiedTime(dir).toInstant().isBefore(before);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the postmaster whose pid heads {@code pgDir/postmaster.pid} is alive (unreadable: assume it is). */
  static boolean postgresRunsIn(Path pgDir) {
    Path pidFile = pgDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return false;
    }
    try {
      String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
      return ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return true;
    }
  }
}
