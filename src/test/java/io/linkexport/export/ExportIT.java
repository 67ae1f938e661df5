package io.linkexport.export;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Mailbox;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Exports end to end: HTTP API -> job table -> Postgres cursor -> CSV -> s3proxy multipart -> signed URL -> email. */
class ExportIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static UUID user;
  static String email;
  static String token;

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Export IT " + s, "pro");
    user = db.member(project);
    email = "exporter-" + s + "@example.com";
    token = TestTokens.session(user, email);
    UUID tag = db.tag(project, "Campaign");
    db.bulkLinks(project, 260, "exp-" + s);
    db.exec("INSERT INTO link_tags (link_id, tag_id) SELECT id, ? FROM links WHERE project_id = ? AND slug LIKE '%3'",
      tag, project);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static JsonObject export(JsonObject filters) {
    String jobId = Exports.start(app, project, token, filters);
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return job;
  }

  private static List<List<String>> csv(JsonObject job) {
    HttpResponse<byte[]> res = Exports.download(app, job.getString("downloadUrl"));
    assertThat(res.statusCode()).isEqualTo(200);
    return Exports.parse(res.body());
  }

  /** Verifies that the CSV holds exactly the rows the list API pages through, in the same order. */
  @ParameterizedTest
  @ValueSource(strings = {
    "",
    "sortBy=clicks&sortOrder=asc",
    "sortBy=name",
    "showArchived=true&sortBy=lastClicked",
    "search=sale&type=dynamic",
    "createdAfter=2025-01-02&createdBefore=2025-01-05&domain=go.acme.com",
    "tagNames=campaign&sortBy=installs",
    "metricsFrom=2025-01-03&metricsTo=2025-01-05&timezone=Asia/Kathmandu&sortBy=clicks",
    "metricsFrom=2025-01-02T13:30:00Z&metricsTo=2025-01-04T07:45:00Z&sortBy=lastClicked",
    "metricsTo=2025-01-03&timezone=America/St_Johns&sortBy=installs&sortOrder=asc&showArchived=true",
    "metricsFrom=2025-01-02T22:15:00Z&sortBy=saleAmount"
  })
  void exportEqualsTheListApiForTheSameFilters(String query) {
    JsonObject filters = new JsonObject();
    if (!query.isEmpty()) {
      Arrays.stream(query.split("&")).map(kv -> kv.split("=")).forEach(kv -> filters.put(kv[0], kv[1]));
    }
    JsonObject job = export(filters);
    List<List<String>> rows = csv(job);
    assertThat(rows.get(0)).isEqualTo(CsvEncoder.HEADER);
    List<List<String>> expected = Exports.comparableList(Exports.listRows(app, project, token, query.isEmpty()
      ? "" : "?" + query));
    assertThat(expected).isNotEmpty();
    assertThat(rows.subList(1, rows.size()).stream().map(Exports::comparable).toList()).isEqualTo(expected);
    assertThat(job.getLong("rowCount")).isEqualTo(expected.size());
  }

  /** Verifies that a file over the 5 MiB part size is uploaded in several parts and still equals the list API. */
  @Test
  void aLargeExportIsUploadedInSeveralPartsAndEqualsTheList() {
    UUID big = db.project("Big export", "pro");
    UUID owner = db.member(big);
    String bigToken = TestTokens.session(owner, "big@example.com");
    db.bulkLinks(big, 32_000, "big-" + UUID.randomUUID().toString().substring(0, 6), 2);
    String jobId = Exports.start(app, big, bigToken, new JsonObject().put("showArchived", true));
    JsonObject job = Exports.await(app, big, bigToken, jobId, Duration.ofSeconds(120));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    HttpResponse<byte[]> file = Exports.download(app, job.getString("downloadUrl"));
    assertThat(file.body().length).isGreaterThan(app.config.exportPartSizeBytes());
    assertThat(db.count("SELECT bytes FROM export_jobs WHERE id = ?", UUID.fromString(jobId)))
      .isEqualTo(file.body().length);
    List<List<String>> rows = Exports.parse(file.body());
    assertThat(rows).hasSize(32_001);
    List<List<String>> expected = Exports.comparableList(Exports.listRows(app, big, bigToken, "?showArchived=true"));
    assertThat(rows.subList(1, rows.size()).stream().map(Exports::comparable).toList()).isEqualTo(expected);
  }

  @Test
  void anEmptyResultIsAHeaderOnlyFile() {
    JsonObject job = export(new JsonObject().put("search", "no link has this text"));
    assertThat(job.getLong("rowCount")).isZero();
    assertThat(csv(job)).containsExactly(CsvEncoder.HEADER);
  }

  @Test
  void guardsCellsASpreadsheetWouldRunAsFormulas() {
    JsonObject job = export(new JsonObject().put("search", "HYPERLINK"));
    List<List<String>> rows = csv(job);
    assertThat(rows).hasSizeGreaterThan(1);
    rows.subList(1, rows.size()).forEach(r -> assertThat(r.get(0)).startsWith("'="));
  }

  @Test
  void theDownloadUrlIsSignedForSevenDaysAndServesAnAttachment() {
    JsonObject job = export(new JsonObject().put("domain", "dub.sh"));
    String url = job.getString("downloadUrl");
    assertThat(url).contains("X-Amz-Expires=604800").contains("X-Amz-Signature=");
    HttpResponse<byte[]> ok = Exports.download(app, url);
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
    assertThat(ok.headers().firstValue("Content-Disposition"))
      .hasValueSatisfying(v -> assertThat(v).startsWith("attachment; filename=\"links-export-it-"));

    String sig = url.substring(url.indexOf("X-Amz-Signature=") + 16, url.indexOf("X-Amz-Signature=") + 17);
    String altered = url.replace("X-Amz-Signature=" + sig, "X-Amz-Signature=" + (sig.equals("a") ? "b" : "a"));
    assertThat(Exports.download(app, altered).statusCode()).isEqualTo(403);

    // every read mints a new URL
    String again = app.get(Exports.base(project) + "/" + job.getString("jobId"), token).data().getString("downloadUrl");
    assertThat(Exports.download(app, again).body()).isEqualTo(ok.body());
    TestApp.Res read = app.get(Exports.base(project) + "/" + job.getString("jobId"), token);
    assertThat(read.raw().headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(read.raw().headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
  }

  @Test
  void theExportReadyEmailArrivesOnceWithAWorkingLink() throws Exception {
    String s = UUID.randomUUID().toString().substring(0, 8);
    String mine = "mail-" + s + "@example.com";
    String mineToken = TestTokens.session(user, mine);
    JsonObject job = Exports.await(app, project, mineToken, Exports.start(app, project, mineToken,
      new JsonObject().put("type", "unified")), Duration.ofSeconds(60));
    MimeMessage msg = Mailbox.exactlyOne(TestServices.get().smtp(), db, UUID.fromString(job.getString("jobId")), mine);
    assertThat(msg.getSubject()).contains("ready");
    String body = GreenMailUtil.getBody(msg).replace("=\r\n", "").replace("=3D", "=").replace("&amp;", "&");
    int start = body.indexOf("http://127.0.0.1:" + TestServices.get().s3Port());
    assertThat(start).isGreaterThanOrEqualTo(0);
    String link = body.substring(start).split("[\\s\"<>]")[0];
    assertThat(Exports.download(app, link).body()).isEqualTo(Exports.download(app, job.getString("downloadUrl")).body());
  }

  /**
   * Verifies that a queued job whose stored request this version does not accept (an older version queued it, or a
   * newer one during a rolling deploy) is listed, retried and then fails with INVALID_FILTER, the parser's message
   * naming the field and its email: the attempt's set-up threw outside its future (the job stayed processing with its
   * heartbeat running), a zone or a date this version cannot read threw in every read of the job (its file name),
   * an unknown format threw in every read of the row, the claim's included, so no attempt ever counted, and an unknown
   * column was dropped (the file came out complete without it).
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"sortBy\":\"popularity\"} | csv | {name,clicks} | sortBy",
    "{\"timezone\":\"Mars/Olympus_Mons\"} | csv | {name,clicks} | timezone",
    "{\"metricsFrom\":\"2026-13-01\",\"metricsTo\":\"2026-14-01\"} | csv | {name,clicks} | metricsFrom",
    "{} | parquet | {name,clicks} | format",
    "{} | csv | {name,engagementScore,clicks} | engagementScore"})
  void aQueuedJobWhoseStoredRequestDoesNotParseIsListedAndFailsWithItsReasonAndEmail(String filters, String format,
                                                                                      String columns, String field) {
    String mine = "stale-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    UUID jobId = db.uuid("INSERT INTO export_jobs (project_id, requested_by, requester_email, filters, max_attempts,"
      + " format, columns) VALUES (?, ?, ?, ?::jsonb, 2, ?, ?::text[]) RETURNING id", project, user, mine, filters,
      format, columns);
    String mineToken = TestTokens.session(user, mine);
    TestApp.Res listed = app.get(Exports.base(project), mineToken);
    assertThat(listed.status()).as(listed.raw().body()).isEqualTo(200);
    JsonObject job = Exports.await(app, project, mineToken, jobId.toString(), Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("failed");
    assertThat(job.getString("errorCode")).isEqualTo("INVALID_FILTER");
    assertThat(job.getString("error")).contains(field);
    assertThat(db.count("SELECT attempt FROM export_jobs WHERE id = ?", jobId)).as("its two attempts").isEqualTo(2);
    MimeMessage msg = Mailbox.exactlyOne(TestServices.get().smtp(), db, jobId, mine);
    assertThat(GreenMailUtil.getBody(msg)).doesNotContain("X-Amz-Signature");
  }

  @Test
  void freePlansGet402AndNoJobIsCreated() {
    UUID free = db.project("Free " + UUID.randomUUID(), "free");
    UUID member = db.member(free);
    TestApp.Res res = app.post(Exports.base(free), TestTokens.session(member, "f@example.com"), "{}");
    assertThat(res.status()).isEqualTo(402);
    assertThat(res.errorCode()).isEqualTo("PLAN_REQUIRED");
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", free)).isZero();
  }

  @Test
  void badFiltersGet400NamingTheFieldAndCreateNoJob() {
    long before = db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project);
    for (String body : List.of("{\"sortBy\":\"clickz\"}", "{\"createdAfter\":\"soon\"}", "[1,2]", "{not json",
      "{\"color\":\"red\"}")) {
      TestApp.Res res = app.post(Exports.base(project), token, body);
      assertThat(res.status()).as(body).isEqualTo(400);
      assertThat(res.json().getBoolean("success")).isFalse();
    }
    assertThat(app.post(Exports.base(project), token, "{\"sortBy\":\"clickz\"}").json().getJsonObject("error")
      .getString("message")).contains("sortBy");
    TestApp.Res huge = app.post(Exports.base(project), token, "{\"search\":\"" + "x".repeat(40_000) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isEqualTo(before);
  }

  @Test
  void anotherProjectsJobIsNotFound() {
    String jobId = Exports.start(app, project, token, new JsonObject().put("search", "zzz-nothing"));
    Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    UUID mineToo = db.project("Mine " + UUID.randomUUID(), "pro");
    UUID stranger = db.member(mineToo);
    String strangerToken = TestTokens.session(stranger, "s@example.com");
    assertThat(app.get(Exports.base(mineToo) + "/" + jobId, strangerToken).status()).isEqualTo(404);
    assertThat(app.get(Exports.base(project) + "/" + jobId, strangerToken).status()).isEqualTo(404);
    assertThat(app.delete(Exports.base(mineToo) + "/" + jobId, strangerToken).status()).isEqualTo(404);
    assertThat(app.get(Exports.base(project) + "/" + UUID.randomUUID(), token).status()).isEqualTo(404);
  }

  @Test
  void recentExportsAreListedNewestFirst() {
    String a = Exports.start(app, project, token, new JsonObject().put("search", "list-a"));
    Exports.await(app, project, token, a, Duration.ofSeconds(60));
    String b = Exports.start(app, project, token, new JsonObject().put("search", "list-b"));
    Exports.await(app, project, token, b, Duration.ofSeconds(60));
    TestApp.Res res = app.get(Exports.base(project), token);
    assertThat(res.status()).isEqualTo(200);
    List<String> ids = res.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("jobId")).toList();
    assertThat(ids.indexOf(b)).isLessThan(ids.indexOf(a)).isGreaterThanOrEqualTo(0);
  }

  @Test
  void aPendingJobCanBeCancelledOnce() {
    UUID jobId = db.uuid("INSERT INTO export_jobs (project_id, requested_by, filters, run_after)"
      + " VALUES (?, ?, '{}'::jsonb, now() + interval '1 hour') RETURNING id", project, user);
    TestApp.Res res = app.delete(Exports.base(project) + "/" + jobId, token);
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.data().getString("status")).isEqualTo("failed");
    assertThat(res.data().getString("error")).isEqualTo("cancelled");
    assertThat(app.delete(Exports.base(project) + "/" + jobId, token).status()).isEqualTo(409);
  }
}
