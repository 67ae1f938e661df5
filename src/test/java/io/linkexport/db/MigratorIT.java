package io.linkexport.db;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigratorIT {

  /** Verifies that every listed migration is applied exactly once and recorded. */
  @Test
  void appliesEveryListedMigrationOnce() throws Exception {
    var s = TestServices.get();
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), "postgres", "postgres");
         ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM schema_migrations")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrator.load().size());
    }
  }

  /**
   * Verifies that a migration that needs a lock held by a long transaction gives way instead of queueing traffic
   * behind it: while it tries, a reader of the same table waits at most one lock timeout, and after its tries it
   * fails with a message naming the migration.
   */
  @Test
  void aMigrationBlockedByALongTransactionGivesWayToTrafficAndFails() throws Exception {
    AppConfig config = AppConfig.from(TestServices.isolatedConfig());
    String jdbc = TestServices.jdbcUrl(config);
    List<Migrator.Migration> all = new ArrayList<>(Migrator.load());
    all.add(new Migrator.Migration(all.get(all.size() - 1).version() + 1, "test_alter",
      "ALTER TABLE links ADD COLUMN test_column int", "x"));
    Vertx vertx = Vertx.vertx();
    Pool pool = Db.pool(vertx, config, 1);
    try (Connection holder = DriverManager.getConnection(jdbc, "postgres", "postgres");
         Connection reader = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
      holder.setAutoCommit(false);
      holder.createStatement().executeQuery("SELECT count(*) FROM links").close(); // ACCESS SHARE until rollback
      Future<Integer> migrating = new Migrator(pool, all, 1_000).migrate();
      try (Connection watcher = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
        Await.until("the ALTER to wait for its lock", Duration.ofSeconds(20), () -> {
          try (ResultSet rs = watcher.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
            + " WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE links%'")) {
            rs.next();
            return rs.getInt(1) > 0;
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        });
      }

      // a reader arriving while the ALTER waits queues behind it; it must get through within a lock timeout or so
      CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> {
        long started = System.nanoTime();
        try (ResultSet rs = reader.createStatement().executeQuery("SELECT count(*) FROM links")) {
          rs.next();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return (System.nanoTime() - started) / 1_000_000;
      });
      // without the lock timeout the reader waits behind the ALTER until the long transaction ends (never, here)
      assertThat(read.get(20, java.util.concurrent.TimeUnit.SECONDS)).as("reader's wait in ms").isLessThan(10_000);
      assertThatThrownBy(() -> Await.result(migrating, Duration.ofSeconds(30)))
        .hasMessageContaining("test_alter").hasMessageContaining("lock");
      holder.rollback();
    } finally {
      Await.result(pool.close());
      Await.result(vertx.close());
    }
  }
}
