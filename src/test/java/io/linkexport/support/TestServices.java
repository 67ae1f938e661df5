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
        Path dir = Files.createTempDirectory("link-export-it-");
        services = EmbeddedServices.start(dir, 0, 0, 0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            services.close();
          } catch (Exception ignored) {
            // JVM is exiting
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

  private static void migrate(EmbeddedServices s) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Db.pool(vertx, AppConfig.from(s.config()), 1);
      new Migrator(pool).migrate().eventually(pool::close)
        .toCompletionStage().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
