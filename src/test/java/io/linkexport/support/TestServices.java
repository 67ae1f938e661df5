package io.linkexport.support;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.db.Migrator;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One set of embedded servers per test JVM, started on first use, migrated once, stopped at JVM exit. Tests
 * isolate themselves by creating their own project (random UUIDs), never by truncating shared tables.
 */
public final class TestServices {

  private static EmbeddedServices services;

  private TestServices() {
  }

  public static synchronized EmbeddedServices get() {
    if (services == null) {
      try {
        TempDirs.sweep("link-export-it-", Duration.ofMinutes(30)); // what a killed or slow-to-exit fork left
        Path dir = Files.createTempDirectory("link-export-it-");
        services = EmbeddedServices.start(dir, 0, 0, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            services.close();
          } catch (Exception e) {
            System.err.println("stopping the embedded servers: " + e); // JVM is exiting: removed all the same
          } finally {
            TempDirs.remove(dir);
          }
        }));
        migrate(services);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start embedded test services", e);
      }
    }
    return services;
  }

  /** The service configuration for tests. */
  public static AppConfig config() {
    return AppConfig.from(get().config());
  }

  /**
   * A configuration whose database is new and migrated, with a bucket of its own, for tests that run their own copy
   * of the service (faults, caps, clusters) and must not share the job queue with the JVM-wide service.
   */
  public static synchronized io.vertx.core.json.JsonObject isolatedConfig() {
    EmbeddedServices s = get();
    String db = "it_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(
      "jdbc:postgresql://127.0.0.1:" + s.pgPort() + "/postgres", "postgres", "postgres")) {
      c.createStatement().execute("CREATE DATABASE " + db);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    // A bucket of its own too: the janitor deletes every export object its database does not reference, so two
    // databases sharing a bucket would delete each other's files (one bucket per deployment, README "Retention").
    String bucket = db.replace('_', '-');
    try {
      Files.createDirectories(s.s3Dir().resolve(bucket));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    io.vertx.core.json.JsonObject json = s.config()
      .put(AppConfig.PG_URL, "postgresql://postgres:postgres@127.0.0.1:" + s.pgPort() + "/" + db)
      .put(AppConfig.S3_BUCKET, bucket);
    try {
      migrate(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return json;
  }

  /** JDBC URL of the database a config points at. */
  public static String jdbcUrl(AppConfig config) {
    return "jdbc:" + config.pgUrl().replace("postgres:postgres@", "");
  }

  private static void migrate(EmbeddedServices s) throws Exception {
    migrate(s.config());
  }

  private static void migrate(io.vertx.core.json.JsonObject config) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Db.pool(vertx, AppConfig.from(config), 1);
      new Migrator(pool).migrate().eventually(pool::close)
        .toCompletionStage().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
