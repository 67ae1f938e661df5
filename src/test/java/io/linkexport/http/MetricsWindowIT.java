package io.linkexport.http;

import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics window ({@code metricsFrom}, {@code metricsTo}) through the HTTP API: every analytics field and the
 * sorts by them count only the window's events, with date-only ends read in the {@code timezone}; the list, cursor
 * pages and the export agree; bad windows are a 400 naming the field.
 */
class MetricsWindowIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static String token;
  static String email;
  static UUID october;
  static UUID november;

  /**
   * "october" has 5 clicks on 31 October Berlin time (one of them 2026-10-31T23:30Z, already 1 November in Berlin)
   * and "november" 3 in November, Berlin time; all-time "october" leads, in November Berlin time "november" does.
   */
  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Window " + s, "pro");
    email = "window-" + s + "@example.com";
    token = TestTokens.session(db.member(project), email);
    october = db.link(project, "october-" + s).name("october").createdAt(Instant.parse("2026-09-01T00:00:00Z"))
      .insert();
    november = db.link(project, "november-" + s).name("november").createdAt(Instant.parse("2026-09-02T00:00:00Z"))
      .insert();
    db.clicks(october, 4, "desktop", "Windows", "Edge", "FR", Instant.parse("2026-10-31T12:00:00Z"));
    db.clicks(october, 1, "mobile", "iOS", "Safari", "DE", Instant.parse("2026-10-31T23:30:00Z"));
    db.clicks(november, 2, "tablet", "Android", "Chrome", "DE", Instant.parse("2026-11-15T10:00:00Z"));
    db.clicks(november, 1, "tablet", "Android", "Chrome", "AT", Instant.parse("2026-11-30T22:59:59.999Z"));
    db.clicks(november, 1, "tablet", "Android", "Chrome", "AT", Instant.parse("2026-11-30T23:00:00Z"));
    db.exec("INSERT INTO link_installs (link_id, click_id, kind, occurred_at) SELECT link_id, id, 'install',"
      + " clicked_at + interval '1 minute' FROM link_clicks WHERE link_id = ? AND clicked_at = ?", october,
      java.sql.Timestamp.from(Instant.parse("2026-10-31T23:30:00Z")));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static final String NOVEMBER_BERLIN = "metricsFrom=2026-11-01&metricsTo=2026-12-01&timezone=Europe/Berlin";

  /** Verifies the window's numbers, tops and last click against the events placed around Berlin's midnights. */
  @Test
  void theListCountsOnlyTheWindowsEventsInTheZone() {
    List<JsonObject> links = Exports.listLinks(app, project, token, "?" + NOVEMBER_BERLIN + "&sortBy=clicks");
    assertThat(links).extracting(l -> l.getString("name")).containsExactly("november", "october");
    JsonObject nov = links.get(0);
    assertThat(nov.getLong("clicks")).isEqualTo(3);
    assertThat(nov.getString("topCountry")).as("2 DE against 1 AT in the window").isEqualTo("DE");
    assertThat(nov.getString("lastClicked")).isEqualTo("2026-11-30T22:59:59.999Z");
    JsonObject oct = links.get(1);
    assertThat(oct.getLong("clicks")).as("the click of 1 November, Berlin time").isEqualTo(1);
    assertThat(oct.getString("topDevice")).isEqualTo("mobile");
    assertThat(oct.getLong("newInstalls")).isEqualTo(1);
    assertThat(oct.getLong("attributedClicks")).isEqualTo(1);

    List<JsonObject> utc = Exports.listLinks(app, project, token,
      "?metricsFrom=2026-11-01&metricsTo=2026-12-01&sortBy=clicks");
    assertThat(utc).extracting(l -> l.getLong("clicks")).as("the same dates in UTC").containsExactly(4L, 0L);
    assertThat(utc.get(1).getString("topDevice")).isNull();
    assertThat(utc.get(1).getString("lastClicked")).isNull();

    List<JsonObject> allTime = Exports.listLinks(app, project, token, "?sortBy=clicks");
    assertThat(allTime).extracting(l -> l.getLong("clicks")).containsExactly(5L, 4L);
    assertThat(allTime.get(0).getString("topDevice")).isEqualTo("desktop");

    List<JsonObject> openStart = Exports.listLinks(app, project, token,
      "?metricsTo=2026-11-01T00:00:00%2B01:00&sortBy=clicks");
    assertThat(openStart).extracting(l -> l.getLong("clicks")).containsExactly(4L, 0L);
  }

  /**
   * Verifies that cursor pages in an order of the links' own columns (createdAt; name, with nulls and ties), walked
   * forward and backward in both directions, hold the offset pages' rows with the window's numbers: their links are
   * chosen as an all-time page chooses them and their window is computed afterwards by one call.
   */
  @Test
  void cursorPagesInTheLinksOwnOrderCarryTheWindowsNumbers() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    UUID own = db.project("Window cursor " + s, "pro");
    String ownToken = TestTokens.session(db.member(own), "cursor-" + s + "@example.com");
    for (int i = 0; i < 23; i++) {
      UUID link = db.link(own, "wc-" + i + "-" + s).name(i % 5 == 0 ? null : "name " + (i % 4))
        .createdAt(Instant.parse("2026-09-01T00:00:00Z").plusSeconds(3600L * (i % 9))).insert();
      db.clicks(link, 1 + i % 3, "mobile", "iOS", "Safari", "DE", Instant.parse("2026-11-10T10:00:00Z"));
      db.clicks(link, i % 2, "desktop", "Windows", "Edge", "US", Instant.parse("2026-10-10T10:00:00Z"));
    }
    for (String order : List.of("sortBy=createdAt&sortOrder=desc", "sortBy=createdAt&sortOrder=asc",
      "sortBy=name&sortOrder=desc", "sortBy=name&sortOrder=asc")) {
      String query = "?" + NOVEMBER_BERLIN + "&" + order;
      List<String> expected = Exports.listLinks(app, own, ownToken, query).stream().map(MetricsWindowIT::shown)
        .toList();
      assertThat(expected).hasSize(23);
      List<String> forward = new java.util.ArrayList<>();
      List<String> backward = new java.util.ArrayList<>();
      String cursor = null;
      String last = null;
      do {
        JsonObject page = page(own, ownToken, query + "&pageSize=4" + (cursor == null ? "" : "&startingAfter=" + cursor));
        page.getJsonArray("data").forEach(l -> forward.add(shown((JsonObject) l)));
        last = page.getJsonArray("data").getJsonObject(page.getJsonArray("data").size() - 1).getString("id");
        cursor = page.getJsonObject("meta").getString("nextCursor");
      } while (cursor != null);
      backward.add(0, forward.get(forward.size() - 1));
      for (cursor = last; cursor != null; ) {
        JsonObject page = page(own, ownToken, query + "&pageSize=4&endingBefore=" + cursor);
        List<String> rows = page.getJsonArray("data").stream().map(l -> shown((JsonObject) l)).toList();
        backward.addAll(0, rows);
        cursor = rows.isEmpty() ? null : page.getJsonObject("meta").getString("prevCursor");
      }
      assertThat(forward).as("forward, " + order).isEqualTo(expected);
      assertThat(backward).as("backward, " + order).isEqualTo(expected);
    }
  }

  private static JsonObject page(UUID project, String token, String query) {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links" + query, token);
    assertThat(res.status()).as(query + ": " + res.raw().body()).isEqualTo(200);
    return res.json();
  }

  /** A link as a page shows it: its id, name and the window's numbers. */
  private static String shown(JsonObject l) {
    return l.getString("id") + " " + l.getString("name") + " " + l.getLong("clicks") + " " + l.getString("topCountry")
      + " " + l.getString("lastClicked");
  }

  /** Verifies that cursor pages walk the window's sort, and that the export holds the list's rows and numbers. */
  @Test
  void cursorPagesAndTheExportFollowTheWindow() {
    TestApp.Res first = app.get("/api/v1/projects/" + project + "/links?" + NOVEMBER_BERLIN
      + "&sortBy=clicks&pageSize=1", token);
    assertThat(first.json().getJsonArray("data").getJsonObject(0).getString("name")).isEqualTo("november");
    String cursor = first.json().getJsonObject("meta").getString("nextCursor");
    TestApp.Res second = app.get("/api/v1/projects/" + project + "/links?" + NOVEMBER_BERLIN
      + "&sortBy=clicks&pageSize=1&startingAfter=" + cursor, token);
    assertThat(second.status()).as(second.raw().body()).isEqualTo(200);
    assertThat(second.json().getJsonArray("data").getJsonObject(0).getString("name")).isEqualTo("october");

    JsonObject body = new JsonObject().put("metricsFrom", "2026-11-01").put("metricsTo", "2026-12-01")
      .put("timezone", "Europe/Berlin").put("sortBy", "clicks");
    String jobId = Exports.start(app, project, token, body);
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getJsonObject("filters").getString("metricsFrom")).isEqualTo("2026-11-01");
    assertThat(job.getString("filename")).as("a whole month of the zone").endsWith("-2026-11.csv");
    try {
      jakarta.mail.internet.MimeMessage mail = io.linkexport.support.Mailbox.exactlyOne(
        io.linkexport.support.TestServices.get().smtp(), db, UUID.fromString(jobId), email);
      assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(mail).replace("=\r\n", ""))
        .contains("Clicks and installs counted from 2026-11-01 to 2026-11-30 (Europe/Berlin).");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    List<List<String>> rows = Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).subList(0, 1)).containsExactly("november");
    assertThat(rows.get(1).get(5)).isEqualTo("3");
    assertThat(rows.get(1).get(13)).isEqualTo("2026-11-30T23:59:59.999+01:00");
    assertThat(rows.get(2).get(5)).isEqualTo("1");
    List<List<String>> list = Exports.listRows(app, project, token, "?" + NOVEMBER_BERLIN + "&sortBy=clicks");
    for (int i = 0; i < 2; i++) {
      List<String> file = rows.get(i + 1);
      assertThat(file.subList(5, 13)).isEqualTo(list.get(i).subList(5, 13));
      assertThat(OffsetDateTime.parse(file.get(13)).toInstant()).isEqualTo(Instant.parse(list.get(i).get(13)));
    }
  }

  /** Verifies that a window ending before it starts, a malformed end and an unknown zone are 400s naming the field. */
  @Test
  void badWindowsAre400sNamingTheField() {
    long jobs = db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project);
    String[][] cases = {
      {"metricsFrom=2026-12-01&metricsTo=2026-11-01", "metricsFrom"},
      {"metricsFrom=2026-11-01T10:00:00Z&metricsTo=2026-11-01T09:59:59.999Z", "metricsFrom"},
      {"metricsTo=last-week", "metricsTo"},
      {"metricsFrom=2026-11-01&timezone=Berlin", "timezone"}};
    for (String[] c : cases) {
      TestApp.Res res = app.get("/api/v1/projects/" + project + "/links?" + c[0], token);
      assertThat(res.status()).as(c[0]).isEqualTo(400);
      assertThat(res.json().getJsonObject("error").getString("field")).as(c[0]).isEqualTo(c[1]);
      JsonObject body = new JsonObject();
      for (String kv : c[0].split("&")) {
        body.put(kv.split("=")[0], kv.split("=")[1]);
      }
      TestApp.Res export = app.post(Exports.base(project), token, body.encode());
      assertThat(export.status()).as(c[0]).isEqualTo(400);
      assertThat(export.json().getJsonObject("error").getString("field")).as(c[0]).isEqualTo(c[1]);
    }
    assertThat(app.get("/api/v1/projects/" + project + "/links?metricsFrom=2026-11-01&metricsTo=2026-11-01", token)
      .status()).as("an empty window is allowed").isEqualTo(200);
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isEqualTo(jobs);
  }
}
