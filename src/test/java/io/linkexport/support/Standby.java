package io.linkexport.support;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real streaming standby of the embedded test Postgres, in its own data directory and process. The embedded bundle
 * has initdb, pg_ctl and postgres but no pg_basebackup, so it is made as the low-level backup API describes:
 * {@code pg_backup_start}, a copy of the data directory (files changing under the copy are fine: WAL replay from the
 * backup's start fixes them), {@code pg_backup_stop} (its label becomes {@code backup_label}), the WAL written
 * meanwhile, then {@code standby.signal} and {@code primary_conninfo}; the standby then streams from the primary over
 * a replication connection (trusted on loopback by the embedded cluster's pg_hba.conf).
 */
public final class Standby implements AutoCloseable {

  private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "postmaster.opts", "pg_wal", "pg_replslot",
    "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans", "log");

  private final Path dir;
  private final Process server;
  private final int port;

  private Standby(Path dir, Process server, int port) {
    this.dir = dir;
    this.server = server;
    this.port = port;
  }

  /** A standby of the Postgres on {@code primaryPort}, started and streaming. */
  public static Standby of(int primaryPort) throws Exception {
    Path dir = Files.createTempDirectory("link-export-standby-");
    int port = EmbeddedServices.freePort();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primaryPort + "/postgres",
      "postgres", "postgres"); Statement st = c.createStatement()) {
      Path data = Path.of(one(st, "SHOW data_directory"));
      // the server's own binaries: the backend's executable is <bundle>/bin/postgres
      Path bin = Files.readSymbolicLink(Path.of("/proc/" + one(st, "SELECT pg_backend_pid()") + "/exe")).getParent();
      String maxConnections = one(st, "SHOW max_connections"); // a hot standby needs at least the primary's
      st.execute("SELECT pg_backup_start('link-export-standby', true)");
      copy(data, dir);
      String label;
      try (ResultSet rs = st.executeQuery("SELECT labelfile FROM pg_backup_stop(false)")) {
        rs.next();
        label = rs.getString(1);
      }
      Files.writeString(dir.resolve("backup_label"), label);
      Files.createDirectories(dir.resolve("pg_wal/archive_status"));
      try (var wal = Files.list(data.resolve("pg_wal"))) {
        for (Path f : wal.filter(Files::isRegularFile).toList()) {
          Files.copy(f, dir.resolve("pg_wal").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      for (String d : List.of("pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots",
        "pg_subtrans", "log")) {
        Files.createDirectories(dir.resolve(d));
      }
      Files.writeString(dir.resolve("standby.signal"), "");
      Files.writeString(dir.resolve("postgresql.auto.conf"), "\nprimary_conninfo = 'host=127.0.0.1 port="
        + primaryPort + " user=postgres application_name=link-export-standby'\nhot_standby = on\n",
        java.nio.file.StandardOpenOption.APPEND, java.nio.file.StandardOpenOption.CREATE);
      // postgres itself, in a user namespace as zonky starts the primary when it runs as root (CI containers do):
      // Postgres refuses root, and there the files and the process are both "nobody"
      List<String> cmd = new java.util.ArrayList<>();
      if ("root".equals(System.getProperty("user.name"))) {
        cmd.addAll(List.of("unshare", "-U"));
      }
      cmd.addAll(List.of(bin.resolve("postgres").toString(), "-D", dir.toString(), "-p",
        String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c",
        "max_connections=" + maxConnections));
      Process server = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("standby.log").toFile()).start();
      Standby s = new Standby(dir, server, port);
      Await.until("the standby to stream from the primary", Duration.ofSeconds(60), () -> {
        try (Connection p = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + primaryPort + "/postgres",
          "postgres", "postgres"); Statement q = p.createStatement();
             ResultSet rs = q.executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
               + " AND application_name = 'link-export-standby'")) {
          return rs.next() && rs.getInt(1) == 1;
        } catch (java.sql.SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      return s;
    }
  }

  public int port() {
    return port;
  }

  /**
   * Kills the standby at once, as a crash would: SIGQUIT, Postgres's immediate shutdown (what {@code pg_ctl stop -m
   * immediate} sends): every backend exits without a checkpoint and every client connection breaks.
   */
  public void kill() throws Exception {
    if (server.isAlive()) {
      new ProcessBuilder("kill", "-QUIT", String.valueOf(server.pid())).inheritIO().start().waitFor();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static String one(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** Copies the data directory but what a backup leaves out; files that vanish during the copy are skipped. */
  private static void copy(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        if (!d.equals(from) && from.relativize(d).getNameCount() == 1
          && NOT_COPIED.contains(d.getFileName().toString())) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.createDirectories(to.resolve(from.relativize(d).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        if (from.relativize(f).getNameCount() == 1 && NOT_COPIED.contains(f.getFileName().toString())) {
          return FileVisitResult.CONTINUE;
        }
        try {
          Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException gone) {
          // dropped during the copy (a temporary file): WAL replay recreates what matters
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
  }
}
