package io.linkexport.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Which leftover directories of earlier suites are removed: old ones whose Postgres is not running. */
class TempDirsTest {

  @TempDir
  Path scratch;

  @Test
  void aPostmasterPidFileSaysWhetherPostgresRuns() throws Exception {
    Path pg = Files.createDirectories(scratch.resolve("pg"));
    assertThat(TempDirs.postgresRunsIn(pg)).as("no pid file: stopped").isFalse();
    Files.writeString(pg.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + pg + "\n");
    assertThat(TempDirs.postgresRunsIn(pg)).as("a live process").isTrue();
    Files.writeString(pg.resolve("postmaster.pid"), Long.MAX_VALUE / 2 + "\n");
    assertThat(TempDirs.postgresRunsIn(pg)).as("no such process").isFalse();
  }

  @Test
  void onlyOldDirectoriesWithoutARunningPostgresAreSwept() throws Exception {
    if (System.getenv("KEEP_TEST_DATA") != null) {
      return; // sweeping is off
    }
    String prefix = "link-export-sweep-test-" + UUID.randomUUID() + "-";
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path old = Files.createDirectories(tmp.resolve(prefix + "old").resolve("pg"));
    Path running = Files.createDirectories(tmp.resolve(prefix + "running").resolve("pg"));
    Files.writeString(running.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n");
    Path young = Files.createDirectories(tmp.resolve(prefix + "young"));
    FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
    Files.setLastModifiedTime(old.getParent(), hourAgo);
    Files.setLastModifiedTime(running.getParent(), hourAgo);
    try {
      TempDirs.sweep(prefix, Duration.ofMinutes(30));
      assertThat(old.getParent()).doesNotExist();
      assertThat(running.getParent()).as("its Postgres runs: another suite's").exists();
      assertThat(young).as("just made: maybe a suite starting").exists();
    } finally {
      TempDirs.remove(running.getParent());
      TempDirs.remove(young);
    }
  }
}
