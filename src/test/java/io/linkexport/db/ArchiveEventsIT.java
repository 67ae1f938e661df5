package io.linkexport.db;

import io.linkexport.AppConfig;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.StatsReference;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archiving old months of raw events (V13, {@code archive-events}), on a service and database of its own: the
 * partitions before the month are detached (the tables kept), lifetime numbers do not change, a window must start in
 * the kept history (400 naming metricsFrom on the list, the count and the export, and no job), a window inside it is
 * exact, rebuild-stats refuses, and the service recreates a dropped coming month.
 */
class ArchiveEventsIT {

  @Test
  void archivedMonthsKeepTheirTotalsAndWindowsStartAfterThem() throws Exception {
    TestServices.get();
    TestApp app = TestApp.isolated(new JsonObject());
    AppConfig config = app.config;
    Vertx vertx = Vertx.vertx();
    Pool pool = Db.pool(vertx, config, 1);
    try (Fixtures db = new Fixtures(TestServices.jdbcUrl(config));
         Connection c = DriverManager.getConnection(TestServices.jdbcUrl(config), "postgres", "postgres")) {
      UUID project = db.project("Archive", "pro");
      String token = TestTokens.session(db.member(project), "archive@example.com");
      UUID link = db.link(project, "archive").name("archive").createdAt(Instant.parse("2026-01-01T00:00:00Z"))
        .insert();
      // August's events are in the default partition (no partition for it yet), September's in their own
      PartitionIT.one(c, "SELECT event_partitions_ensure(date '2026-09-01', date '2026-10-01')");
      db.clicks(link, 3, "desktop", "Windows", "Edge", "FR", Instant.parse("2026-08-15T12:00:00Z"));
      db.clicks(link, 2, "mobile", "iOS", "Safari", "DE", Instant.parse("2026-09-20T12:00:00Z"));
      db.clicks(link, 1, "mobile", "iOS", "Safari", "DE", Instant.parse("2026-10-02T12:00:00Z"));
      // a stray old timestamp: its month gets a partition, not the 56 years after it
      db.clicks(link, 1, "desktop", "Linux", "Firefox", "US", Instant.parse("1970-01-05T00:00:00Z"));
      db.exec("INSERT INTO link_installs (link_id, click_id, kind, occurred_at) SELECT link_id, id, 'install',"
        + " clicked_at + interval '1 minute' FROM link_clicks WHERE link_id = ?", link);
      String base = "/api/v1/projects/" + project + "/links";
      JsonObject allTime = app.get(base, token).json().getJsonArray("data").getJsonObject(0);
      assertThat(allTime.getLong("clicks")).isEqualTo(7);

      assertThatThrownBy(() -> EventPartitions.archive(pool, LocalDate.parse("2026-10-02")).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS)).hasMessageContaining("first day of a month");
      LocalDate thisMonth = LocalDate.now(java.time.ZoneOffset.UTC).withDayOfMonth(1);
      assertThatThrownBy(() -> EventPartitions.archive(pool, thisMonth).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS)).as("the service keeps the previous month").hasMessageContaining("previous one");
      int detached = EventPartitions.archive(pool, LocalDate.parse("2026-10-01")).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertThat(detached).as("January 1970 and August (moved out of the default) and September, of four tables")
        .isEqualTo(12);
      assertThat(PartitionIT.one(c, "SELECT count(*) FROM pg_class WHERE relkind = 'r'"
        + " AND relname ~ '^link_clicks_19'")).isEqualTo(1);
      assertThat(PartitionIT.one(c, "SELECT count(*) FROM link_clicks WHERE link_id = ?", link)).isEqualTo(1);
      assertThat(PartitionIT.one(c, "SELECT count(*) FROM link_clicks_default")).as("October's click").isEqualTo(1);
      assertThat(PartitionIT.one(c, "SELECT count(*) FROM link_clicks_2026_08 WHERE link_id = ?", link))
        .as("the archived month's table is kept").isEqualTo(3);
      assertThat(PartitionIT.strings(c, "SELECT retained_from::text FROM event_history"))
        .containsExactly("2026-10-01 00:00:00+00");
      JsonObject after = app.get(base, token).json().getJsonArray("data").getJsonObject(0);
      assertThat(after).as("lifetime numbers keep the archived events").isEqualTo(allTime);

      long jobs = db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project);
      for (String window : List.of("metricsFrom=2026-09-01", "metricsTo=2026-11-01",
        "metricsFrom=2026-09-30T23:59:59Z&metricsTo=2026-11-01", "metricsFrom=2026-09-01&search=no-such-link",
        "metricsFrom=2026-09-01&sortBy=clicks&search=no-such-link")) {
        TestApp.Res res = app.get(base + "?" + window, token);
        assertThat(res.status()).as(window).isEqualTo(400);
        assertThat(res.json().getJsonObject("error").getString("field")).as(window).isEqualTo("metricsFrom");
        // the window selects no links: the count does not read it, and answers
        assertThat(app.get(base + "/count?" + window, token).status()).as("count " + window).isEqualTo(200);
        JsonObject body = new JsonObject();
        for (String kv : window.split("&")) {
          body.put(kv.split("=")[0], kv.split("=")[1]);
        }
        TestApp.Res export = app.post(Exports.base(project), token, body.encode());
        assertThat(export.status()).as("export " + window).isEqualTo(400);
        assertThat(export.json().getJsonObject("error").getString("field")).isEqualTo("metricsFrom");
      }
      assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isEqualTo(jobs);

      TestApp.Res october = app.get(base + "?metricsFrom=2026-10-01&metricsTo=2026-11-01", token);
      assertThat(october.status()).isEqualTo(200);
      JsonObject row = october.json().getJsonArray("data").getJsonObject(0);
      assertThat(row.getLong("clicks")).isEqualTo(1);
      assertThat(row.getString("lastClicked")).isEqualTo("2026-10-02T12:00:00.000Z");
      assertThat(StatsReference.windowDifferences(c, project, Instant.parse("2026-10-01T00:00:00Z"), null)).isEmpty();

      assertThatThrownBy(() -> StatsRebuilder.rebuild(pool, project).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS)).hasMessageContaining("are archived");
      assertThatThrownBy(() -> db.exec("SELECT link_stats_rebuild(NULL)")).as("also called from SQL")
        .hasMessageContaining("are archived");

      // TRUNCATE of the clicks empties them and clears the installs' references (they stay)
      db.exec("TRUNCATE link_clicks");
      assertThat(PartitionIT.one(c, "SELECT count(*) FROM link_installs WHERE link_id = ? AND click_id IS NULL", link))
        .isEqualTo(PartitionIT.one(c, "SELECT count(*) FROM link_installs WHERE link_id = ?", link)).isPositive();
      assertThat(PartitionIT.one(c, "SELECT clicks FROM link_stats WHERE link_id = ?", link)).isZero();

      // a coming month dropped by hand comes back with the service's next round
      String next = PartitionIT.strings(c, "SELECT to_char(now() AT TIME ZONE 'UTC' + interval '3 months',"
        + " 'YYYY_MM')").get(0);
      db.exec("DROP TABLE link_sales_" + next);
      // (the service's own round may come first: either way the month is back)
      assertThat(EventPartitions.ensure(pool).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isLessThanOrEqualTo(1);
      assertThat(PartitionIT.one(c, "SELECT count(*) FROM pg_inherits WHERE inhrelid = ?::regclass",
        "link_sales_" + next)).isEqualTo(1);
    } finally {
      pool.close();
      vertx.close();
      app.close();
    }
  }
}
