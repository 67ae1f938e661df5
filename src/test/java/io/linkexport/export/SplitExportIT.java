package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Mailbox;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import com.icegreen.greenmail.util.GreenMailUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Split at the cap (issue 20), with a cap of 40 links per file and 400 per split export, on the service's own copy
 * (S3 through a fault proxy), read by three parallel readers of groups of files (issue 23): files cut by month, day
 * and fixed-size parts, all from one snapshot, with a manifest;
 * the total cap; a retried attempt rewriting every file; progress while a file waits for S3.
 */
class SplitExportIT {

  static final int CAP = 40;
  static FaultProxy s3;
  static TestApp app;
  static Fixtures db;
  static UUID project;
  static UUID user;
  static String email;
  static String token;
  static long links;

  @BeforeAll
  static void start() {
    s3 = FaultProxy.start(TestServices.get().s3Port());
    app = TestApp.isolated(new JsonObject()
      .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port())
      .put(AppConfig.S3_MAX_ATTEMPTS, 1)
      .put(AppConfig.EXPORT_MAX_ROWS, CAP)
      .put(AppConfig.EXPORT_MAX_TOTAL_ROWS, 400)
      // every split export here is read by three readers of groups of its files (ReadRanges), from the first row on
      .put(AppConfig.EXPORT_READ_PARALLELISM, 3)
      .put(AppConfig.EXPORT_PARALLEL_MIN_ROWS, 1));
    db = Fixtures.of(app);
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Split " + s, "pro");
    user = db.member(project);
    email = "split-" + s + "@example.com";
    token = TestTokens.session(user, email);
    // January 2025: about 39 links a day for five days (days packed one per file); March and April: small months
    // (packed together); 2025-06-15: 90 links on one day (three fixed-size parts).
    db.bulkLinks(project, 190, "sp-" + s);
    for (int i = 0; i < 20; i++) {
      db.link(project, "mar-" + s + "-" + i).createdAt(Instant.parse("2025-03-02T10:00:00Z").plusSeconds(i * 86_400L))
        .insert();
    }
    for (int i = 0; i < 15; i++) {
      db.link(project, "apr-" + s + "-" + i).createdAt(Instant.parse("2025-04-28T00:00:00Z").plusSeconds(i * 3_600L))
        .insert();
    }
    for (int i = 0; i < 90; i++) {
      db.link(project, "jun-" + s + "-" + i).createdAt(Instant.parse("2025-06-15T00:00:00Z").plusSeconds(i * 60L))
        .name(i % 2 == 0 ? "Same name" : "Other name").insert();
    }
    links = db.count("SELECT count(*) FROM links WHERE project_id = ?", project);
  }

  @AfterAll
  static void stop() {
    db.close();
    app.close();
    s3.close();
  }

  private static JsonObject export(JsonObject body) {
    return export(token, body);
  }

  private static JsonObject export(String session, JsonObject body) {
    String jobId = Exports.start(app, project, session, body);
    return Exports.await(app, project, session, jobId, Duration.ofSeconds(90));
  }

  /**
   * Verifies that split=auto writes files of at most the cap, cut by creation date (whole months packed, a month over
   * the cap by day, a day over the cap in fixed-size parts), whose row counts add up to the snapshot's count; that no
   * link is in two files or in none and each file keeps the export's order; that the manifest lists every file with
   * its rows, size, SHA-256 and range; that every file's SHA-256 is that of its download; that the download is the
   * manifest; and that the one email lists the files and links the dashboard instead of a dozen download links.
   */
  @Test
  void splitAutoCutsTheExportIntoFilesUnderTheCapThatAddUp() throws Exception {
    // a recipient of its own: the other tests' emails go to the class's address
    String mine = "split-files-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    JsonObject job = export(TestTokens.session(user, mine), new JsonObject().put("showArchived", true)
      .put("sortBy", "name").put("split", "auto"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(links);
    JsonArray files = job.getJsonArray("files");
    List<JsonObject> data = new ArrayList<>();
    for (int i = 0; i < files.size() - 1; i++) {
      data.add(files.getJsonObject(i));
    }
    JsonObject manifestEntry = files.getJsonObject(files.size() - 1);
    assertThat(manifestEntry.getString("name")).endsWith("-manifest.json").isEqualTo(job.getString("filename"));
    assertThat(data).hasSizeGreaterThanOrEqualTo(9).allSatisfy(f -> assertThat(f.getLong("rowCount"))
      .isBetween(1L, (long) CAP));
    assertThat(data.stream().mapToLong(f -> f.getLong("rowCount")).sum()).isEqualTo(links);

    // the manifest is the download, and lists what the status lists
    byte[] manifestBytes = Exports.download(app, job.getString("downloadUrl")).body();
    assertThat(Exports.sha256(manifestBytes)).isEqualTo(job.getString("sha256")).isEqualTo(manifestEntry
      .getString("sha256"));
    JsonObject manifest = new JsonObject(new String(manifestBytes, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(manifest.getLong("rowCount")).isEqualTo(links);
    assertThat(manifest.getJsonArray("files")).hasSize(data.size());

    List<JsonObject> listed = Exports.listLinks(app, project, token, "?showArchived=true&sortBy=name");
    List<String> order = listed.stream().map(l -> l.getString("key")).toList();
    Set<String> seen = new HashSet<>();
    Instant previousEnd = Instant.EPOCH;
    for (int i = 0; i < data.size(); i++) {
      JsonObject f = data.get(i);
      JsonObject m = manifest.getJsonArray("files").getJsonObject(i);
      assertThat(m.getString("name")).isEqualTo(f.getString("name"));
      assertThat(m.getLong("rowCount")).isEqualTo(f.getLong("rowCount"));
      assertThat(m.getString("sha256")).isEqualTo(f.getString("sha256"));
      byte[] bytes = Exports.download(app, f.getString("downloadUrl")).body();
      assertThat(Exports.sha256(bytes)).as(f.getString("name")).isEqualTo(f.getString("sha256"));
      assertThat((long) bytes.length).isEqualTo(f.getLong("bytes"));
      List<List<String>> rows = Exports.parse(bytes);
      assertThat(rows.get(0)).isEqualTo(CsvEncoder.HEADER);
      assertThat(rows).hasSize(1 + f.getInteger("rowCount"));
      Instant from = Instant.parse(f.getString("createdFrom"));
      Instant to = Instant.parse(f.getString("createdTo"));
      assertThat(from).as("files follow each other by creation date").isAfterOrEqualTo(
        m.containsKey("offset") && m.getLong("offset") > 0 ? from : previousEnd);
      previousEnd = to;
      List<String> slugs = new ArrayList<>();
      for (List<String> r : rows.subList(1, rows.size())) {
        Instant created = Instant.parse(r.get(4));
        assertThat(created).as(f.getString("name")).isAfterOrEqualTo(from).isBefore(to);
        assertThat(seen.add(r.get(2))).as("link %s in two files", r.get(2)).isTrue();
        slugs.add(r.get(2));
      }
      assertThat(slugs).as("a file keeps the export's order")
        .isEqualTo(order.stream().filter(slugs::contains).toList());
    }
    assertThat(seen).as("every link is in a file").containsExactlyInAnyOrderElementsOf(order);
    assertThat(data).as("the day over the cap is cut into fixed-size parts")
      .filteredOn(f -> f.getString("createdFrom").startsWith("2025-06-15")).hasSize(3);
    assertThat(data).as("the small months of March and April are one file")
      .anySatisfy(f -> assertThat(f.getString("createdFrom") + f.getString("createdTo"))
        .isEqualTo("2025-03-01T00:00:00.000Z2025-05-01T00:00:00.000Z"));

    MimeMessage msg = Mailbox.exactlyOne(TestServices.get().smtp(), db, UUID.fromString(job.getString("jobId")), mine);
    String body = GreenMailUtil.getBody(msg).replace("=\r\n", "").replace("=3D", "=");
    assertThat(body).contains("#project=" + project).contains(data.get(0).getString("name"))
      .contains(data.get(0).getString("sha256")).doesNotContain("X-Amz-Signature");
  }

  /**
   * Verifies that over the per-file cap without a split the job fails with the specified message, and over the total
   * cap a split fails with the same message naming that cap; neither leaves a byte in S3.
   */
  @Test
  void overTheCapsTheJobFailsWithTheUsualMessage() {
    JsonObject plain = export(new JsonObject().put("showArchived", true));
    assertThat(plain.getString("status")).isEqualTo("failed");
    assertThat(plain.getString("error")).isEqualTo("This export matches " + links + " links, over the 40-link limit."
      + " Narrow the filters, for example split the export by date range.");

    UUID big = db.project("Split big " + UUID.randomUUID(), "pro");
    UUID owner = db.member(big);
    String bigToken = TestTokens.session(owner, "big-split@example.com");
    db.bulkLinks(big, 401, "spb-" + UUID.randomUUID().toString().substring(0, 6));
    JsonObject over = Exports.await(app, big, bigToken, Exports.start(app, big, bigToken, new JsonObject()
      .put("showArchived", true).put("split", "auto")), Duration.ofSeconds(60));
    assertThat(over.getString("status")).isEqualTo("failed");
    assertThat(over.getString("error")).startsWith("This export matches 401 links, over the 400-link limit.");
    assertThat(Storage.objects(big, over.getString("jobId"))).isEmpty();
  }

  /**
   * Verifies that an attempt that fails in the middle of a split (the connection of file 3's upload cut) deletes the
   * files it completed, and that the retried attempt rewrites every file of the split under its own keys: the job's
   * files are all the second attempt's, whole, and nothing of the first is left.
   */
  @Test
  void aRetriedAttemptRewritesEveryFileOfTheSplit() {
    s3.cutNext(1, line -> line.startsWith("PUT ") && line.contains("part-003") && line.contains("partNumber=1"));
    JsonObject job = export(new JsonObject().put("showArchived", true).put("split", "auto").put("format", "jsonl")
      .put("compression", "gzip"));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(s3.cuts()).isGreaterThanOrEqualTo(1);
    assertThat(job.getInteger("attempt")).isEqualTo(2);
    JsonArray files = job.getJsonArray("files");
    String jobId = job.getString("jobId");
    long rows = 0;
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < files.size() - 1; i++) {
      JsonObject f = files.getJsonObject(i);
      assertThat(f.getString("name")).endsWith(".jsonl.gz");
      byte[] bytes = Exports.download(app, f.getString("downloadUrl")).body();
      assertThat(Exports.sha256(bytes)).isEqualTo(f.getString("sha256"));
      List<JsonObject> lines = Exports.parseJsonLines(Exports.gunzip(bytes));
      assertThat(lines).hasSize(f.getInteger("rowCount"));
      lines.forEach(l -> assertThat(ids.add(l.getString("key"))).isTrue());
      rows += lines.size();
    }
    assertThat(rows).isEqualTo(links);
    List<Path> objects = Storage.objects(project, jobId);
    assertThat(objects).as("only the second attempt's files are left").extracting(p -> p.getFileName().toString())
      .containsExactly(jobId + ".2");
    assertThat(Storage.keys(app, "exports/" + project + "/" + jobId + ".")).hasSize(files.size())
      .allSatisfy(k -> assertThat(k).startsWith("exports/" + project + "/" + jobId + ".2/"));
  }

  /**
   * Verifies that the job shows its count as soon as it is known, then its progress and an ETA while a file waits for
   * S3, and that its events carry the same: rowCount, rowsWritten, progress and etaSeconds.
   */
  @Test
  void theCountProgressAndEtaShowWhileTheExportRuns() throws Exception {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = app.vertx.eventBus().consumer(Addresses.EXPORT_EVENTS,
      m -> events.add(m.body()));
    Await.result(consumer.completion());
    s3.hold(line -> line.startsWith("PUT ") && line.contains("part-004") && line.contains("partNumber=1"));
    try {
      String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true)
        .put("split", "auto"));
      JsonObject running = Await.value("the export to report progress while file 4 waits for S3",
        Duration.ofSeconds(60), () -> {
          JsonObject j = app.get(Exports.base(project) + "/" + jobId, token).data();
          return j.getLong("rowCount") != null && j.getLong("rowsWritten") > 0 && j.getValue("etaSeconds") != null
            ? j : null;
        });
      assertThat(running.getString("status")).isEqualTo("processing");
      assertThat(running.getLong("rowCount")).isEqualTo(links);
      assertThat(running.getDouble("progress")).isGreaterThan(0.0).isLessThan(1.0)
        .isEqualTo((double) running.getLong("rowsWritten") / links);
      assertThat(running.getLong("etaSeconds")).isGreaterThanOrEqualTo(0);
      List<JsonObject> mine = events.stream().filter(e -> jobId.equals(e.getString("jobId"))).toList();
      assertThat(mine).as("the count is published as soon as it is recorded").anySatisfy(e -> {
        assertThat(e.getString("status")).isEqualTo("processing");
        assertThat(e.getLong("rowCount")).isEqualTo(links);
        assertThat(e.getLong("rowsWritten")).isZero();
        assertThat(e.containsKey("etaSeconds")).isTrue();
      });
      Await.until("a progress event with an ETA", Duration.ofSeconds(30), () -> events.stream()
        .anyMatch(e -> jobId.equals(e.getString("jobId")) && e.getLong("rowsWritten", 0L) > 0
          && e.getValue("etaSeconds") != null && e.getDouble("progress") > 0));
      s3.release();
      JsonObject done = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
      assertThat(done.getString("status")).isEqualTo("completed");
      assertThat(done.getDouble("progress")).isEqualTo(1.0);
      Await.until("the completed event with progress 1", Duration.ofSeconds(10), () -> events.stream()
        .anyMatch(e -> jobId.equals(e.getString("jobId")) && "completed".equals(e.getString("status"))
          && e.getDouble("progress") == 1.0 && e.getLong("etaSeconds") == 0));
    } finally {
      s3.release();
      Await.result(consumer.unregister());
    }
  }
}
