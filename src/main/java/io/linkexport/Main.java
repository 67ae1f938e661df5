package io.linkexport;

import io.linkexport.db.Db;
import io.linkexport.db.EventPartitions;
import io.linkexport.db.StatsRebuilder;
import io.linkexport.seed.SeedCommand;
import io.linkexport.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Entry point. {@code java -jar link-export.jar [serve]} runs the service; {@code migrate}, {@code seed ...},
 * {@code rebuild-stats [--project UUID]} and {@code archive-events --before YYYY-MM} are operator commands. Exits 1,
 * with a message naming what failed, when anything goes wrong at start.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    String command = args.length == 0 ? "serve" : args[0];
    List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
    switch (command) {
      case "serve" -> serve();
      case "check-config" -> runOnce(Main::checkConfig, rest);
      case "migrate" -> runOnce(Main::migrate, rest);
      case "seed" -> runOnce(Main::seed, rest);
      case "rebuild-stats" -> runOnce(Main::rebuildStats, rest);
      case "archive-events" -> runOnce(Main::archiveEvents, rest);
      case "-h", "--help", "help" -> usage(0);
      default -> usage(2);
    }
  }

  private static void usage(int code) {
    System.out.println("""
      usage: java -jar link-export.jar [command]
        serve                                  run the service (default)
        check-config                           check every key (exit 1 naming each bad one) and print the
                                               configuration in force, secrets masked
        migrate                                apply pending schema migrations and exit
        seed --links N --clicks M [--project UUID] [--plan free|starter|pro|enterprise] [--user UUID]
                                               create demo data; last line: project=<uuid> user=<uuid>
        rebuild-stats [--project UUID]         recompute the analytics rollups from the raw events
        archive-events --before YYYY-MM        detach the raw events of the months before YYYY-MM (the rollups
                                               keep their counts; windows must start from that month on)
      configuration: conf/config.json overridden by environment variables (see README)""");
    System.exit(code);
  }

  private static void serve() {
    Vertx bootstrap = Vertx.vertx();
    AppConfig config;
    // The two get() calls below block the JVM's main thread during startup, never a Vert.x thread: nothing can run
    // before the configuration is loaded and the cluster joined.
    try {
      config = AppConfig.load(bootstrap).toCompletionStage().toCompletableFuture().get();
      ConfigCheck.require(config);
      LOG.info("configuration in force: {}", String.join(" ", ConfigCheck.effective(config)));
    } catch (Exception e) {
      System.err.println("link-export: cannot load the configuration: " + e.getMessage());
      bootstrap.close();
      System.exit(1);
      return;
    }
    Vertx vertx;
    if (config.cluster()) {
      bootstrap.close();
      try {
        // Clustering is only referenced here: a single node never loads Hazelcast.
        vertx = io.linkexport.cluster.Clustering.start(config).toCompletionStage().toCompletableFuture().get();
        LOG.info("joined cluster '{}' as {}:{} (members {})", config.clusterName(), config.clusterHost(),
          config.clusterPort(), config.clusterMembers());
      } catch (Exception e) {
        System.err.println("link-export: cannot join the cluster at " + config.clusterHost() + ":"
          + config.clusterPort() + " (members " + config.clusterMembers() + "): " + e.getMessage());
        System.exit(1);
        return;
      }
    } else {
      bootstrap.close();
      vertx = Telemetry.vertx(config.ops().metricsEnabled());
    }
    Vertx running = vertx;
    AtomicReference<Application> started = new AtomicReference<>();
    Application.start(vertx, config)
      .onSuccess(app -> {
        started.set(app);
        LOG.info("link-export ready on port {}", app.httpPort());
      })
      .onFailure(err -> {
        LOG.error("startup failed: {}", err.getMessage(), err.getCause() != null ? err.getCause() : err);
        System.err.println("link-export: startup failed: " + err.getMessage());
        running.close().onComplete(v -> System.exit(1));
      });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      // SIGTERM: first the HTTP API drains (readiness 503, in-flight requests finish), then the workers stop (stop
      // claiming, finish or hand back their export within EXPORT_STOP_GRACE_MS + EXPORT_HAND_BACK_MS), then the other
      // verticles and the pools, then the node leaves the cluster (Application.shutdown).
      CountDownLatch done = new CountDownLatch(1);
      Application app = started.get();
      (app == null ? running.close() : app.shutdown()).onComplete(v -> done.countDown());
      try {
        done.await(config.ops().httpDrainDelayMillis() + config.ops().httpDrainTimeoutMillis()
          + config.exportStopGraceMillis() + 15_000, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "shutdown"));
  }

  interface Command {
    Future<String> run(Vertx vertx, AppConfig config, List<String> args);
  }

  /** Runs a command to completion and exits with its status. */
  private static void runOnce(Command command, List<String> args) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    AtomicInteger status = new AtomicInteger(1);
    CountDownLatch done = new CountDownLatch(1);
    AppConfig.load(vertx)
      .compose(config -> command.run(vertx, config, args))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          if (ar.result() != null && !ar.result().isEmpty()) {
            System.out.println(ar.result());
          }
          status.set(0);
        } else {
          System.err.println("link-export: " + ar.cause().getMessage());
        }
        vertx.close().onComplete(v -> done.countDown());
      });
    done.await();
    System.exit(status.get());
  }

  /** {@code check-config}: the configuration in force (masked), then every problem; fails when there is one. */
  private static Future<String> checkConfig(Vertx vertx, AppConfig config, List<String> args) {
    String effective = String.join("\n", ConfigCheck.effective(config));
    List<String> problems = ConfigCheck.problems(config);
    if (problems.isEmpty()) {
      return Future.succeededFuture(effective + "\nconfiguration OK");
    }
    System.out.println(effective);
    return Future.failedFuture("bad configuration:\n  " + String.join("\n  ", problems));
  }

  private static Future<String> migrate(Vertx vertx, AppConfig config, List<String> args) {
    return Application.migrate(vertx, config).map("schema is up to date");
  }

  private static Future<String> seed(Vertx vertx, AppConfig config, List<String> args) {
    return Application.migrate(vertx, config).compose(v -> SeedCommand.run(vertx, config, args));
  }

  private static Future<String> rebuildStats(Vertx vertx, AppConfig config, List<String> args) {
    UUID project = null;
    if (args.size() == 2 && args.get(0).equals("--project")) {
      project = UUID.fromString(args.get(1));
    } else if (!args.isEmpty()) {
      return Future.failedFuture("usage: rebuild-stats [--project UUID]");
    }
    UUID p = project;
    Pool pool = Db.pool(vertx, config, 1);
    long started = System.nanoTime();
    return Application.migrate(vertx, config)
      .compose(v -> StatsRebuilder.rebuild(pool, p))
      .map(n -> "rebuilt the rollups of " + n + " links in " + (System.nanoTime() - started) / 1_000_000 + " ms")
      .eventually(pool::close);
  }

  private static Future<String> archiveEvents(Vertx vertx, AppConfig config, List<String> args) {
    if (args.size() != 2 || !args.get(0).equals("--before")) {
      return Future.failedFuture("usage: archive-events --before YYYY-MM");
    }
    LocalDate before;
    try {
      before = YearMonth.parse(args.get(1)).atDay(1);
    } catch (DateTimeParseException e) {
      return Future.failedFuture("usage: archive-events --before YYYY-MM (" + e.getMessage() + ")");
    }
    Pool pool = Db.pool(vertx, config, 1);
    return Application.migrate(vertx, config)
      .compose(v -> EventPartitions.archive(pool, before))
      .map(n -> "detached " + n + " monthly event partitions before " + before + " (the tables are kept, named"
        + " link_<events>_YYYY_MM: dump and drop them when you no longer need them)")
      .eventually(pool::close);
  }
}
