package io.linkexport.ops;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Standby;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read replicas against a real streaming standby of the embedded Postgres ({@link Standby}): list pages and export
 * snapshots are read from it, and a standby killed mid-export loses nothing (the job retries and completes on the
 * primary).
 */
class ReadReplicaIT {

  /**
   * Verifies that list pages (also cursor pages and dub's shape) and an export are read from the standby, that the
   * export equals one read from the primary after the standby was killed mid-export (while the attempt held its
   * snapshot there), and that the job records which it used.
   */
  @Test
  void exportsReadFromTheStandbyEqualThePrimarysAndAStandbyKilledMidExportLosesNothing() throws Exception {
    int pgPort = TestServices.get().pgPort();
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    String db = conf.getString(AppConfig.PG_URL).substring(conf.getString(AppConfig.PG_URL).lastIndexOf('/') + 1);
    String jdbc = TestServices.jdbcUrl(AppConfig.from(conf));
    try (Fixtures fx = new Fixtures(jdbc)) {
      Fixtures.Tenant t = fx.tenant("Replicated " + UUID.randomUUID(), "pro", "replica@example.com");
      fx.bulkLinks(t.project(), 2_000, "r");
      try (Standby standby = Standby.of(pgPort);
           FaultProxy s3 = FaultProxy.start(TestServices.get().s3Port())) {
        TestApp app = TestApp.start(conf.copy()
          .put(AppConfig.PG_READ_URL, "postgresql://postgres:postgres@127.0.0.1:" + standby.port() + "/" + db)
          .put(AppConfig.PG_READ_CHECK_MS, 100)
          .put(AppConfig.EXPORT_MAX_ATTEMPTS, 6)
          .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port()));
        try {
          String standbyJdbc = "jdbc:postgresql://127.0.0.1:" + standby.port() + "/" + db;
          Await.until("a list page served by the standby", Duration.ofSeconds(30), () -> {
            assertThat(app.get("/api/v1/projects/" + t.project() + "/links", t.token()).status()).isEqualTo(200);
            return count(standbyJdbc, "SELECT count(*) FROM pg_stat_activity WHERE application_name IN ('"
              + Db.LIST_CUSTOM_PLANS + "', '" + Db.LIST_GENERIC_PLANS + "')") > 0;
          });

          // issue 21's statements on the standby: a cursor walk on the sort with nulls (its longest page statement)
          // sees every link once, and dub's bare shape is served (the validating client checks both bodies)
          List<String> walked = cursorWalk(app, t);
          assertThat(walked).doesNotHaveDuplicates().hasSize((int) fx.count(
            "SELECT count(*) FROM links WHERE project_id = ? AND NOT archived", t.project()));
          HttpResponse<String> dub = app.http().send(HttpRequest.newBuilder(URI.create(app.url("/api/v1/projects/"
              + t.project() + "/links?pageSize=10"))).header("Authorization", "Bearer " + t.token())
            .header("Accept", "application/vnd.dub+json").build(), HttpResponse.BodyHandlers.ofString());
          assertThat(new JsonArray(dub.body())).hasSize(10);

          String first = Exports.start(app, t.project(), t.token(), new JsonObject());
          JsonObject done = Exports.await(app, t.project(), t.token(), first, Duration.ofSeconds(60));
          assertThat(done.getString("status")).isEqualTo("completed");
          assertThat(readSource(jdbc, first)).isEqualTo("replica-1");
          List<List<String>> fromStandby = rows(app, done);
          assertThat(fromStandby).hasSize(1 + (int) fx.count(
            "SELECT count(*) FROM links WHERE project_id = ? AND NOT archived", t.project()));

          // the next attempt holds its snapshot on the standby while S3 has not answered its upload's creation
          s3.hold(line -> line.startsWith("POST ") && line.contains("?uploads"));
          String second = Exports.start(app, t.project(), t.token(), new JsonObject());
          Await.until("the export to wait for S3 with its snapshot on the standby", Duration.ofSeconds(30),
            () -> s3.heldRequests() == 1 && count(standbyJdbc, "SELECT count(*) FROM pg_stat_activity"
              + " WHERE application_name = '" + Db.Workload.WORKER.applicationName()
              + "' AND xact_start IS NOT NULL") == 1);
          standby.kill();
          s3.release();
          s3.hold(line -> false);

          JsonObject after = Exports.await(app, t.project(), t.token(), second, Duration.ofSeconds(90));
          assertThat(after.getString("status")).as(after.encode()).isEqualTo("completed");
          assertThat(after.getInteger("attempt")).as("the killed attempt failed and was retried").isGreaterThan(1);
          assertThat(readSource(jdbc, second)).isEqualTo("primary");
          List<List<String>> fromPrimary = rows(app, after);
          assertThat(fromPrimary.get(0)).isEqualTo(fromStandby.get(0));
          assertThat(Exports.comparableList(fromPrimary.subList(1, fromPrimary.size())))
            .as("read from the primary, the same rows").isEqualTo(Exports.comparableList(
              fromStandby.subList(1, fromStandby.size())));
        } finally {
          app.close();
        }
      }
    }
  }

  /** Every link's id, walking {@code sortBy=lastClicked} pages by {@code startingAfter}. */
  private static List<String> cursorWalk(TestApp app, Fixtures.Tenant t) {
    List<String> ids = new ArrayList<>();
    String cursor = null;
    do {
      TestApp.Res res = app.get("/api/v1/projects/" + t.project() + "/links?sortBy=lastClicked&pageSize=100"
        + (cursor == null ? "" : "&startingAfter=" + cursor), t.token());
      assertThat(res.status()).as(res.raw().body()).isEqualTo(200);
      res.json().getJsonArray("data").forEach(l -> ids.add(((JsonObject) l).getString("id")));
      cursor = res.json().getJsonObject("meta").getString("nextCursor");
    } while (cursor != null);
    return ids;
  }

  private static List<List<String>> rows(TestApp app, JsonObject job) {
    return Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
  }

  private static String readSource(String jdbc, String jobId) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         PreparedStatement st = c.prepareStatement("SELECT read_source FROM export_jobs WHERE id = ?::uuid")) {
      st.setString(1, jobId);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static long count(String jdbc, String sql) {
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
         ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
