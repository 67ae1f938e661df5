package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Postgres faults, for real: the service reaches Postgres (and S3) through TCP proxies on loopback. The backend of a
 * running export's cursor is terminated mid-stream; Postgres becomes unreachable and comes back.
 */
class PostgresFaultIT {

  static FaultProxy pg;
  static FaultProxy s3;
  static TestApp app;
  static Fixtures db;
  static String dbName;

  @BeforeAll
  static void start() {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    String direct = TestServices.jdbcUrl(AppConfig.from(conf));
    dbName = direct.substring(direct.lastIndexOf('/') + 1);
    int pgPort = TestServices.get().pgPort();
    pg = FaultProxy.start(pgPort);
    s3 = FaultProxy.start(TestServices.get().s3Port());
    conf.put(AppConfig.PG_URL, conf.getString(AppConfig.PG_URL).replace(":" + pgPort + "/", ":" + pg.port() + "/"))
      .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port());
    app = TestApp.start(conf);
    db = new Fixtures(direct);
  }

  @AfterAll
  static void stop() {
    db.close();
    app.close();
    pg.close();
    s3.close();
  }

  /** Verifies that killing the cursor's backend mid-export makes the job retry from scratch and complete exactly. */
  @Test
  void anExportWhoseCursorBackendIsKilledRetriesAndCompletes() {
    UUID project = db.project("Cursor kill", "pro");
    UUID user = db.member(project);
    String token = TestTokens.session(user, "kill@example.com");
    // ~18 MB of CSV: with parts 1 and 2 (the two in flight) held, the third 5 MB buffer fills and the cursor pauses
    // with rows still unread.
    long links = db.bulkLinks(project, 100_000, "kill-" + UUID.randomUUID().toString().substring(0, 6), 1);
    s3.hold(line -> line.startsWith("PUT ") && line.matches(".*[?&]partNumber=[12][& ].*"));
    String jobId;
    try {
      jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true));
      Await.until("parts 1 and 2 to reach S3", Duration.ofSeconds(60), () -> s3.heldRequests() >= 2);
      // parts 1 and 2 are held, so the export cannot end: once its snapshot's backends (its own and, read in
      // parallel, its other reader's: the one being read may be either) wait idle, all of them are killed
      String backends = " FROM pg_stat_activity WHERE datname = ? AND application_name IN"
        + " ('link-export-worker', 'link-export-reader') AND backend_xmin IS NOT NULL";
      Await.until("the export's backends to wait idle in their transactions", Duration.ofSeconds(30),
        () -> db.count("SELECT count(*)" + backends + " AND state = 'idle in transaction'", dbName) == 2
          && db.count("SELECT count(*)" + backends, dbName) == 2);
      assertThat(db.strings("SELECT pg_terminate_backend(pid)::text" + backends, dbName)).containsOnly("true");
    } finally {
      s3.hold(line -> false);
      s3.release();
    }
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(120));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getInteger("attempt")).isGreaterThanOrEqualTo(2);
    List<List<String>> rows = Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
    assertThat(rows).hasSize((int) links + 1);
    assertThat(rows.stream().skip(1).map(r -> r.get(2)).distinct().count()).as("no duplicate rows").isEqualTo(links);
    assertThat(Storage.incompleteUploads(app, "exports/" + project + "/")).isEmpty();
  }

  /** Verifies that a Postgres outage shows in /health and as 503s, and the service recovers without a restart. */
  @Test
  void thServiceRecoversFromAPostgresOutageWithoutRestart() {
    UUID project = db.project("Outage", "pro");
    UUID user = db.member(project);
    String token = TestTokens.session(user, "outage@example.com");
    db.link(project, "outage-" + UUID.randomUUID()).insert();
    assertThat(app.get("/health", null).status()).isEqualTo(200);
    pg.down(true);
    try {
      TestApp.Res health = app.get("/health", null);
      assertThat(health.status()).isEqualTo(503);
      // vertx-health-check's body: each check with its id and status
      assertThat(health.json().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> "postgres".equals(c.getString("id"))).map(c -> c.getString("status"))).containsExactly("DOWN");
      TestApp.Res list = app.get("/api/v1/projects/" + project + "/links", token);
      assertThat(list.status()).as(list.raw().body()).isEqualTo(503);
      assertThat(list.raw().headers().firstValue("Retry-After")).isPresent();
    } finally {
      pg.down(false);
    }
    Await.until("/health to answer 200 again", Duration.ofSeconds(20), () -> app.get("/health", null).status() == 200);
    TestApp.Res list = app.get("/api/v1/projects/" + project + "/links", token);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().getJsonArray("data")).hasSize(1);
  }
}
