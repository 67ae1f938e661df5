package io.linkexport.bench;

import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Standby;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The list benchmark's variants (issue 22): throughput with metrics off and on (target: on within 3% of off), and
 * list pages read from a streaming standby ({@link Standby}, {@code PG_READ_URL}) beside the primary. Each variant is
 * a fresh service JVM under the same load as the main list rows; off and on alternate, so both sample the same
 * minutes of a machine whose speed drifts.
 */
final class ListVariants {

  static final String QUERY = "sortBy=clicks&pageSize=100";

  private ListVariants() {
  }

  /** Metrics off/on, {@code rounds} times each, alternating; rows named "(metrics off)" / "(metrics on)". */
  static void metrics(Map<String, String> env, List<Process> children, Bench.Size size, int seconds, int rounds,
    Report report) throws Exception {
    double[] rps = new double[2];
    for (int round = 0; round < rounds; round++) {
      for (int on = 0; on < 2; on++) {
        Map<String, String> e = new HashMap<>(env);
        e.put("METRICS_ENABLED", on == 1 ? "true" : "false");
        Bench.LoadResult load = load(e, children, size, seconds, QUERY + " (metrics " + (on == 1 ? "on" : "off")
          + ")", report, null);
        rps[on] += load.rps();
      }
    }
    System.out.printf("metrics on/off list throughput: %.3f (target >= 0.97)%n", rps[1] / rps[0]);
  }

  /** The same load on a service whose list pages read a standby of the bench's database ("(replica)"). */
  static void replica(EmbeddedServices services, Map<String, String> env, List<Process> children, Bench.Size size,
    int seconds, Report report) throws Exception {
    try (Standby standby = Standby.of(services.pgPort())) {
      Map<String, String> e = new HashMap<>(env);
      e.put("PG_READ_URL", env.get("PG_URL").replace(":" + services.pgPort() + "/", ":" + standby.port() + "/"));
      String jdbc = "jdbc:postgresql://127.0.0.1:" + standby.port() + "/" + EmbeddedServices.DB_NAME;
      long before = transactions(jdbc);
      Bench.LoadResult load = load(e, children, size, seconds, QUERY + " (replica)", report, "is read again");
      // the standby counts the read transactions it served (flushed as its backends exit): most pages must be there
      long deadline = System.currentTimeMillis() + 15_000;
      while (transactions(jdbc) - before < load.requests() / 2) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the replica run read few pages from the standby");
        }
        Thread.sleep(250); // polling the standby's statistics, which have no other signal
      }
    }
  }

  private static long transactions(String jdbc) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         ResultSet rs = c.createStatement().executeQuery("SELECT xact_commit + xact_rollback FROM pg_stat_database"
           + " WHERE datname = current_database()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** @param logLine when not null, the load starts once the service's log has it (the replica in use) */
  private static Bench.LoadResult load(Map<String, String> env, List<Process> children, Bench.Size size,
    int seconds, String label, Report report, String logLine) throws Exception {
    Bench.Service service = Bench.Service.start(env, children, "256m");
    try {
      Path log = Path.of("target/bench-service-256m.log");
      long deadline = System.currentTimeMillis() + 60_000;
      while (logLine != null && !Files.readString(log).contains(logLine)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("no '" + logLine + "' in " + log + " after 60 s");
        }
        Thread.sleep(250); // polling the service's log, its only signal that the replica is in use
      }
      service.heap.close();
      Bench.LoadResult load = Load.run(service.api(size) + "/links?" + QUERY, service.token, 32, seconds);
      if (load.errors() > 0 || load.requests() == 0) {
        throw new IllegalStateException("list load " + label + ": " + load.errors() + " errors of "
          + load.requests() + " requests");
      }
      report.load(label, size, load, Load.warmUpWindow(seconds));
      return load;
    } finally {
      service.stop();
    }
  }
}
