package io.linkexport.export;

import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file users want (issue 20), end to end through the HTTP API: every column in every format and compression,
 * read back with a real parser (Commons CSV, Jackson, the JDK's GZIPInputStream) and compared with the list API's
 * values for the same filters; the size and SHA-256 of the bytes as downloaded in the status, the recent-exports
 * list and the object's metadata; the download's headers; bad file options refused before any job exists.
 */
class ExportFilesIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static String token;

  /** Every column, in an order of our own. */
  static final List<String> ALL = List.of("key", "id", "domain", "url", "shortLink", "name", "type", "archived",
    "expiresAt", "tags", "folderId", "tenantId", "externalId", "userId", "ios", "android", "utm_source", "utm_medium",
    "utm_campaign", "utm_term", "utm_content", "createdAt", "updatedAt", "clicks", "newInstalls", "returningUsers",
    "attributedClicks", "topDevice", "topOs", "topBrowser", "topCountry", "lastClicked", "saleAmount", "leads", "sales",
    "conversions");

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Files IT " + s, "pro");
    UUID user = db.member(project);
    token = TestTokens.session(user, "files-" + s + "@example.com");
    UUID folder = db.folder(project, "Spring");
    UUID zeta = db.tag(project, "zeta");
    UUID alpha = db.tag(project, "Alpha, \"the first\"");
    db.bulkLinks(project, 90, "fi-" + s);
    // every other field set on some links, with text Excel would turn into numbers and a formula to guard
    db.exec("UPDATE links SET external_id = CASE WHEN slug LIKE '%1' THEN '00' || right(slug, 2) WHEN slug LIKE '%2'"
      + " THEN '=SUM(A' || slug || ')' ELSE 'ext é ' || slug END, ios = 'https://apps.apple.com/app/id' || length(slug),"
      + " android = 'https://play.google.com/x,y', utm_source = 'news\tletter', utm_medium = 'email',"
      + " utm_campaign = '-spring', utm_term = '@t', utm_content = E'two\\nlines', user_id = ?,"
      + " expires_at = created_at + interval '30 days 0.123 seconds', folder_id = ?"
      + " WHERE project_id = ? AND slug ~ '[1-4]$'", user, folder, project);
    db.exec("INSERT INTO link_tags (link_id, tag_id) SELECT id, ? FROM links WHERE project_id = ? AND slug ~ '[13579]$'",
      zeta, project);
    db.exec("INSERT INTO link_tags (link_id, tag_id) SELECT id, ? FROM links WHERE project_id = ? AND slug ~ '[1-5]$'",
      alpha, project);
    // conversions (issue 21): two leads on links ending in 1-3, a sale of one of them on those ending in 1, a sale
    // without a lead (leads 0, sales 1) on those ending in 7; so conversions < leads on some links
    for (int i = 0; i < 2; i++) {
      db.exec("INSERT INTO link_leads (link_id, customer_id) SELECT id, 'c-' || slug FROM links"
        + " WHERE project_id = ? AND slug ~ '[1-3]$'", project);
    }
    db.exec("INSERT INTO link_sales (link_id, lead_id, amount) SELECT DISTINCT ON (e.link_id) e.link_id, e.id,"
      + " 1999 + length(l.slug) FROM link_leads e JOIN links l ON l.id = e.link_id WHERE l.project_id = ?"
      + " AND l.slug ~ '1$' ORDER BY e.link_id, e.id", project);
    db.exec("INSERT INTO link_sales (link_id, amount) SELECT id, 250 FROM links WHERE project_id = ? AND slug ~ '7$'",
      project);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static JsonObject export(JsonObject body) {
    String jobId = Exports.start(app, project, token, body);
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    return job;
  }

  /**
   * Verifies that every format, plain and gzipped, holds exactly the list API's links for the same filters, in the
   * same order, every column with the list's value; that the job's bytes and SHA-256 are those of the downloaded
   * bytes, which the object's metadata carries too; and that the download's Content-Type, file name and (absent)
   * Content-Encoding are right for the format.
   */
  @ParameterizedTest
  @CsvSource({
    "csv, none, text/csv; charset=utf-8, .csv",
    "csv-excel, none, text/csv; charset=utf-8, .csv",
    "tsv, none, text/tab-separated-values; charset=utf-8, .tsv",
    "jsonl, none, application/x-ndjson, .jsonl",
    "csv, gzip, application/gzip, .csv.gz",
    "jsonl, gzip, application/gzip, .jsonl.gz"
  })
  void everyFormatHoldsTheListsValuesAndItsChecksumIsTheDownloadedBytes(String format, String compression,
                                                                        String contentType, String extension) {
    String query = "showArchived=true&sortBy=clicks&sortOrder=asc";
    JsonObject job = export(new JsonObject().put("showArchived", true).put("sortBy", "clicks")
      .put("sortOrder", "asc").put("columns", new JsonArray(new ArrayList<>(ALL))).put("format", format)
      .put("compression", compression));
    assertThat(job.getJsonArray("columns")).containsExactlyElementsOf(ALL);
    assertThat(job.getString("format")).isEqualTo(format);
    assertThat(job.getInteger("schemaVersion")).isEqualTo(Column.SCHEMA_VERSION);
    assertThat(job.getDouble("progress")).isEqualTo(1.0);
    assertThat(job.getString("filename")).endsWith(extension);

    HttpResponse<byte[]> download = Exports.download(app, job.getString("downloadUrl"));
    assertThat(download.statusCode()).isEqualTo(200);
    byte[] bytes = download.body();
    assertThat(job.getLong("bytes")).isEqualTo(bytes.length);
    assertThat(job.getString("sha256")).isEqualTo(Exports.sha256(bytes)).hasSize(64);
    assertThat(download.headers().firstValue("x-amz-meta-sha256")).hasValue(job.getString("sha256"));
    assertThat(download.headers().firstValue("Content-Type")).hasValue(contentType);
    assertThat(download.headers().firstValue("Content-Disposition"))
      .hasValue("attachment; filename=\"" + job.getString("filename") + "\"");
    assertThat(download.headers().firstValue("Content-Encoding")).isEmpty();
    JsonArray files = job.getJsonArray("files");
    assertThat(files).hasSize(1);
    assertThat(files.getJsonObject(0).getString("sha256")).isEqualTo(job.getString("sha256"));
    assertThat(files.getJsonObject(0).getLong("rowCount")).isEqualTo(job.getLong("rowCount"));

    byte[] plain = "gzip".equals(compression) ? Exports.gunzip(bytes) : bytes;
    List<JsonObject> listed = Exports.listLinks(app, project, token, "?" + query);
    assertThat(listed).hasSize(job.getLong("rowCount").intValue()).isNotEmpty();
    // the seeded conversions are in the list (so the file's equality below compares real values, not zeros)
    assertThat(listed).anyMatch(l -> l.getLong("conversions") > 0 && l.getLong("conversions") < l.getLong("leads")
      && l.getLong("saleAmount") > 1999);
    assertThat(listed).anyMatch(l -> l.getLong("leads") == 0 && l.getLong("sales") == 1);
    List<List<Object>> expected = new ArrayList<>();
    boolean json = "jsonl".equals(format);
    for (JsonObject link : listed) {
      expected.add(ALL.stream().map(c -> Exports.expected(link, c, json)).toList());
    }
    assertThat(read(plain, format)).isEqualTo(expected);
  }

  /** The data rows of a file, each as its columns' values made comparable with {@link Exports#expected}. */
  private static List<List<Object>> read(byte[] file, String format) {
    List<List<Object>> rows = new ArrayList<>();
    if ("jsonl".equals(format)) {
      for (JsonObject o : Exports.parseJsonLines(file)) {
        assertThat(o.fieldNames()).containsExactlyElementsOf(ALL);
        rows.add(ALL.stream().map(c -> Exports.comparableCell(o.getValue(c))).toList());
      }
      return rows;
    }
    if ("csv-excel".equals(format)) {
      assertThat(file).startsWith(0xEF, 0xBB, 0xBF);
    }
    List<List<String>> records = Exports.parse(file, "tsv".equals(format) ? '\t' : ',');
    assertThat(records.get(0)).isEqualTo(ColumnSet.parse(new JsonArray(new ArrayList<>(ALL))).headers());
    for (List<String> r : records.subList(1, records.size())) {
      rows.add(r.stream().map(ExcelText::unwrap).map(CsvEncoder::unguard).map(Exports::comparableCell).toList());
    }
    return rows;
  }

  /**
   * Verifies that the default export is still the specified CSV, now with its size and checksum, and that the
   * recent-exports list shows both.
   */
  @Test
  void theDefaultExportIsTheSpecifiedCsvWithItsChecksumInTheList() {
    JsonObject job = export(new JsonObject().put("type", "unified"));
    byte[] bytes = Exports.download(app, job.getString("downloadUrl")).body();
    assertThat(Exports.parse(bytes).get(0)).isEqualTo(CsvEncoder.HEADER);
    assertThat(new String(bytes, 0, 3, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("Nam");
    JsonObject listed = app.get(Exports.base(project), token).json().getJsonArray("data").stream()
      .map(JsonObject.class::cast).filter(j -> j.getString("jobId").equals(job.getString("jobId"))).findFirst()
      .orElseThrow();
    assertThat(listed.getLong("bytes")).isEqualTo(bytes.length);
    assertThat(listed.getString("sha256")).isEqualTo(Exports.sha256(bytes));
    assertThat(listed.getJsonArray("files").getJsonObject(0).containsKey("downloadUrl")).isFalse();
    assertThat(listed.getJsonArray("files").getJsonObject(0).containsKey("key")).isFalse();
  }

  /**
   * Verifies that an unknown column, format or compression, a column asked twice, options sent inside the filters,
   * and a split with an impossible ceiling are each a 400 naming the field, and that none creates a job.
   */
  @Test
  void badFileOptionsGet400NamingTheFieldAndCreateNoJob() {
    long before = db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project);
    Object[][] cases = {
      {new JsonObject().put("columns", new JsonArray().add("name").add("colour")), "columns", "colour"},
      {new JsonObject().put("columns", new JsonArray().add("name").add("name")), "columns", "name"},
      {new JsonObject().put("columns", "name"), "columns", "columns"},
      {new JsonObject().put("format", "xlsx"), "format", "csv-excel"},
      {new JsonObject().put("compression", "brotli"), "compression", "gzip"},
      {new JsonObject().put("split", "monthly"), "split", "auto"},
      {new JsonObject().put("split", "auto").put("maxRowsPerFile", 1), "maxRowsPerFile", "maxRowsPerFile"},
      {new JsonObject().put("split", "auto").put("maxRowsPerFile", 10_000_000), "maxRowsPerFile", "maxRowsPerFile"},
      {new JsonObject().put("maxRowsPerFile", 50_000), "maxRowsPerFile", "split"},
    };
    for (Object[] c : cases) {
      TestApp.Res res = app.post(Exports.base(project), token, ((JsonObject) c[0]).encode());
      assertThat(res.status()).as(res.raw().body()).isEqualTo(400);
      assertThat(res.json().getJsonObject("error").getString("field")).as(res.raw().body()).isEqualTo(c[1]);
      assertThat(res.json().getJsonObject("error").getString("message")).contains((String) c[2]);
    }
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isEqualTo(before);
  }

  /** Verifies that an Idempotency-Key sent again with other file options is a 422 naming the first job. */
  @Test
  void anIdempotencyKeyWithOtherFileOptionsIs422() throws Exception {
    String key = "files-" + UUID.randomUUID();
    String body = new JsonObject().put("search", "zzz-none").put("format", "tsv").encode();
    HttpResponse<String> first = post(body, key);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    String jobId = new JsonObject(first.body()).getJsonObject("data").getString("jobId");
    Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    assertThat(new JsonObject(post(body, key).body()).getJsonObject("data").getString("jobId")).isEqualTo(jobId);
    HttpResponse<String> other = post(new JsonObject().put("search", "zzz-none").put("format", "jsonl").encode(), key);
    assertThat(other.statusCode()).as(other.body()).isEqualTo(422);
    assertThat(other.body()).contains(jobId);
  }

  private static HttpResponse<String> post(String body, String key) throws Exception {
    return app.http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.url(Exports.base(project))))
      .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
      .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
      HttpResponse.BodyHandlers.ofString());
  }
}
