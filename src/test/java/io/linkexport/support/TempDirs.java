package io.linkexport.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Removes the directories the embedded servers ran in once they are stopped: a suite's Postgres and s3proxy left
 * about 2.5 GB in the temporary directory per run (and the smoke benchmark 270 MB), which filled a developer's disk
 * after a few dozen runs. {@code KEEP_TEST_DATA=1} keeps them, to read Postgres' log after a failure.
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
}
