package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Await;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A list query whose caller has given up is cancelled in Postgres. The HTTP side answers 503 once the event-bus
 * timeout passes; without the list pool's statement_timeout the query ran on (the stale-statistics plans once did
 * for minutes) and took the CPU that other pages needed. Here the query is held by a lock another session keeps.
 */
class ListStatementTimeoutIT {

  /** Any statement of the list pools still running (the lock blocks the page statement). */
  private static final String WAITING_LIST_QUERIES = "SELECT count(*) FROM pg_stat_activity"
    + " WHERE datname = current_database() AND state = 'active' AND application_name IN ('" + Db.LIST_CUSTOM_PLANS
    + "', '" + Db.LIST_GENERIC_PLANS + "') AND pid <> pg_backend_pid()";

  @Test
  void aListQueryItsCallerGaveUpOnIsCancelledInPostgres() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    String jdbc = TestServices.jdbcUrl(AppConfig.from(conf));
    Fixtures db = new Fixtures(jdbc);
    TestApp app = TestApp.start(conf);
    try (Connection locker = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
      UUID project = db.project("Locked", "pro");
      String token = TestTokens.session(db.member(project), "locked@example.com");
      db.bulkLinks(project, 10, "locked");
      String path = "/api/v1/projects/" + project + "/links?pageSize=10";
      assertThat(app.get(path, token).status()).isEqualTo(200);

      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        st.execute("LOCK TABLE link_stats IN ACCESS EXCLUSIVE MODE"); // the page statement joins it
      }
      long started = System.nanoTime();
      TestApp.Res res = app.get(path, token);
      assertThat(res.status()).as(res.raw().body()).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(app.config.busSendTimeoutMillis() - 100));

      // The lock is still held: only a cancellation can have ended the query.
      Await.until("no list query to run in Postgres with the lock still held", Duration.ofSeconds(3),
        () -> db.count(WAITING_LIST_QUERIES) == 0);

      locker.rollback();
      assertThat(app.get(path, token).status()).isEqualTo(200);
    } finally {
      app.close();
      db.close();
    }
  }
}
