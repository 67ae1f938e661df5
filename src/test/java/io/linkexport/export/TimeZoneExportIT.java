package io.linkexport.export;

import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code timezone} filter end to end: date-only bounds are whole local days (a DST day of 23 hours included) on
 * the list, the count and the export alike; the file writes its timestamps in the zone with their offset; the job
 * shows the zone it used; an unknown zone is a 400 naming the field that creates no job.
 */
class TimeZoneExportIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static String token;

  /** Links one millisecond either side of local midnights in Berlin (+01:00 in November, a 23-hour 29 March). */
  static final Map<String, String> CREATED = Map.of(
    "oct-last", "2026-10-31T22:59:59.999Z", "nov-first", "2026-10-31T23:00:00Z",
    "nov-last", "2026-11-30T22:59:59.999Z", "dec-first", "2026-11-30T23:00:00Z",
    "mar-28", "2026-03-28T22:59:59.999Z", "mar-29-start", "2026-03-28T23:00:00Z",
    "mar-29-end", "2026-03-29T21:59:59.999Z", "mar-30", "2026-03-29T22:00:00Z");

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Zones " + s, "pro");
    UUID user = db.member(project);
    token = TestTokens.session(user, "zones-" + s + "@example.com");
    CREATED.forEach((slug, at) -> {
      UUID link = db.link(project, slug + "-" + s).name(slug).createdAt(Instant.parse(at)).insert();
      db.clicks(link, 2, "mobile", "iOS", "Safari", "DE", Instant.parse(at).plusSeconds(90));
    });
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static List<String> names(String query) {
    return Exports.listLinks(app, project, token, "?" + query).stream().map(l -> l.getString("name")).toList();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Verifies that date-only bounds are the local days of the zone on the list and the count, DST days included. */
  @Test
  void dateOnlyBoundsAreLocalDaysOnTheListAndTheCount() {
    String november = "timezone=" + enc("Europe/Berlin") + "&createdAfter=2026-11-01&createdBefore=2026-11-30";
    assertThat(names(november + "&sortBy=name&sortOrder=asc")).containsExactly("nov-first", "nov-last");
    assertThat(app.get("/api/v1/projects/" + project + "/links/count?" + november, token).json().getLong("data"))
      .isEqualTo(2);
    assertThat(names("createdAfter=2026-11-01&createdBefore=2026-11-30&sortBy=name&sortOrder=asc"))
      .as("the same dates in UTC").containsExactly("dec-first", "nov-last");
    assertThat(names("timezone=" + enc("Europe/Berlin") + "&createdAfter=2026-03-29&createdBefore=2026-03-29"
      + "&sortBy=name&sortOrder=asc")).as("a 23-hour day").containsExactly("mar-29-end", "mar-29-start");
    assertThat(names("timezone=" + enc("Asia/Kathmandu") + "&createdAfter=2026-11-01T04:45:00%2B05:45"
      + "&createdBefore=2026-11-01T04:45:00.500%2B05:45")).as("a timestamp keeps its own offset")
      .containsExactly("nov-first");
  }

  /**
   * Verifies that the export holds the list's rows for the same zone and dates, writes every timestamp in the zone
   * with its offset (the same instants as the list's UTC ones), in jsonl too, and that the job shows the zone.
   */
  @Test
  void theExportWritesLocalTimesWithTheirOffsetAndEqualsTheList() {
    JsonObject filters = new JsonObject().put("timezone", "Europe/Berlin").put("createdAfter", "2026-11-01")
      .put("createdBefore", "2026-11-30").put("sortBy", "name").put("sortOrder", "asc");
    JsonObject job = awaitCompleted(filters);
    assertThat(job.getJsonObject("filters").getString("timezone")).isEqualTo("Europe/Berlin");
    assertThat(job.getJsonObject("filters").getString("createdAfter")).isEqualTo("2026-11-01");
    List<List<String>> rows = Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).get(0)).isEqualTo("nov-first");
    assertThat(rows.get(1).get(4)).isEqualTo("2026-11-01T00:00:00.000+01:00");
    assertThat(rows.get(1).get(13)).isEqualTo("2026-11-01T00:01:30.000+01:00");
    assertThat(rows.get(2).get(4)).isEqualTo("2026-11-30T23:59:59.999+01:00");
    List<JsonObject> list = Exports.listLinks(app, project, token, "?timezone=" + enc("Europe/Berlin")
      + "&createdAfter=2026-11-01&createdBefore=2026-11-30&sortBy=name&sortOrder=asc");
    assertThat(list).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonObject l = list.get(i);
      assertThat(l.getString("createdAt")).as("the list keeps UTC").endsWith("Z");
      assertThat(OffsetDateTime.parse(rows.get(i + 1).get(4)).toInstant()).isEqualTo(Instant.parse(l.getString(
        "createdAt")));
      assertThat(OffsetDateTime.parse(rows.get(i + 1).get(13)).toInstant()).isEqualTo(Instant.parse(l.getString(
        "lastClicked")));
    }

    JsonObject jsonl = awaitCompleted(filters.copy().put("format", "jsonl").put("columns",
      new io.vertx.core.json.JsonArray().add("key").add("createdAt").add("lastClicked")));
    List<JsonObject> lines = Exports.parseJsonLines(Exports.download(app, jsonl.getString("downloadUrl")).body());
    assertThat(lines).extracting(l -> l.getString("createdAt"))
      .containsExactly("2026-11-01T00:00:00.000+01:00", "2026-11-30T23:59:59.999+01:00");
  }

  /** Verifies that an unknown zone is a 400 naming timezone on the list and the export, and creates no job. */
  @Test
  void anUnknownZoneIsA400NamingTheField() {
    long before = db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project);
    for (String zone : List.of("Mars/Olympus", "+01:00", "europe/berlin")) {
      TestApp.Res list = app.get("/api/v1/projects/" + project + "/links?timezone=" + enc(zone), token);
      assertThat(list.status()).as(zone).isEqualTo(400);
      assertThat(list.json().getJsonObject("error").getString("field")).isEqualTo("timezone");
      TestApp.Res export = app.post(Exports.base(project), token, new JsonObject().put("timezone", zone).encode());
      assertThat(export.status()).as(zone).isEqualTo(400);
      assertThat(export.json().getJsonObject("error").getString("field")).isEqualTo("timezone");
    }
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isEqualTo(before);
  }

  private static JsonObject awaitCompleted(JsonObject body) {
    String jobId = Exports.start(app, project, token, body);
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return job;
  }
}
