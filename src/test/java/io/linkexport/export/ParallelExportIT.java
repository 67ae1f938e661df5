package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.LogCapture;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports read by parallel readers of one snapshot (issue 23), end to end: a service reading through one cursor,
 * then one with three readers per export from the first row on, export the same project; their files are byte for
 * byte the same, for several sorts, a gzip file and JSON lines. A reader's backend killed mid-export fails the attempt; the
 * retry writes the exact file and leaves no upload or object behind.
 */
class ParallelExportIT {

  /**
   * The exports compared: every links-column sort (read in parallel) with ties and nulls, a gzip CSV, JSON lines, and
   * one rollup sort (read through one cursor: {@link ReadPlan#readers}); the last is the retried one.
   */
  static final JsonObject[] BODIES = {
    new JsonObject().put("showArchived", true).put("sortBy", "createdAt"),
    new JsonObject().put("showArchived", true).put("sortBy", "name").put("sortOrder", "asc").put("compression", "gzip"),
    new JsonObject().put("showArchived", true).put("sortBy", "createdAt").put("sortOrder", "asc").put("format", "jsonl"),
    new JsonObject().put("showArchived", true).put("sortBy", "clicks"),
    new JsonObject().put("showArchived", true).put("sortBy", "name").put("sortOrder", "desc"),
  };
  static FaultProxy s3;
  static TestApp parallel;
  static Fixtures db;
  static UUID project;
  static String token;
  static long links;
  /** What the service reading through one cursor wrote for each of {@link #BODIES}. */
  static final List<byte[]> SERIAL = new ArrayList<>();

  /**
   * Seeds a project in a database of its own, exports it with a service reading through one cursor, stops that
   * service and starts one with three readers per export from the first row on (the services share the database, so
   * only one runs at a time: either would claim the other's jobs).
   */
  @BeforeAll
  static void start() {
    s3 = FaultProxy.start(TestServices.get().s3Port());
    JsonObject config = TestApp.isolatedConfig(new JsonObject()
      .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port())
      .put(AppConfig.EXPORT_PARALLEL_MIN_ROWS, 1)
      .put(AppConfig.EXPORT_FETCH_SIZE, 97));
    db = Fixtures.of(AppConfig.from(config));
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Parallel " + s, "pro");
    UUID user = db.member(project);
    token = TestTokens.session(user, "parallel-" + s + "@example.com");
    db.bulkLinks(project, 1_500, "pe-" + s, 5);
    for (int i = 0; i < 30; i++) { // ties and nulls: never clicked, one creation instant, one name
      db.link(project, "pe-" + s + "-tie-" + i).name(i % 3 == 0 ? null : "Tied")
        .createdAt(java.time.Instant.parse("2025-05-05T05:05:05Z")).insert();
    }
    links = db.count("SELECT count(*) FROM links WHERE project_id = ?", project);
    TestApp serial = TestApp.start(config.copy().put(AppConfig.EXPORT_READ_PARALLELISM, 1));
    try {
      for (JsonObject body : BODIES) {
        SERIAL.add(export(serial, body));
      }
    } finally {
      serial.close();
    }
    parallel = TestApp.start(config.copy().put(AppConfig.EXPORT_READ_PARALLELISM, 3));
  }

  @AfterAll
  static void stop() {
    db.close();
    parallel.close();
    s3.close();
  }

  private static byte[] export(TestApp app, JsonObject body) {
    String jobId = Exports.start(app, project, token, body);
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(90));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(links);
    byte[] bytes = Exports.download(app, job.getString("downloadUrl")).body();
    assertThat(Exports.sha256(bytes)).isEqualTo(job.getString("sha256"));
    return bytes;
  }

  /**
   * Verifies that the parallel service's files are the serial service's, byte for byte (and that it read them in
   * three ranges, but for the clicks sort), by creation date and by name with ties and nulls, as CSV, gzip CSV and
   * JSON lines.
   */
  @Test
  void aParallelExportWritesTheSerialExportsFileByteForByte() throws Exception {
    for (int i = 0; i < BODIES.length - 1; i++) {
      try (LogCapture logs = LogCapture.of(ExportAttempt.class)) {
        byte[] bytes = export(parallel, BODIES[i]);
        boolean rollupSort = "clicks".equals(BODIES[i].getString("sortBy"));
        assertThat(logs.contains("reads 3 ranges of its snapshot in parallel")).as("parallel: %s", BODIES[i])
          .isEqualTo(!rollupSort);
        assertThat(Exports.sha256(bytes)).as(BODIES[i].encode()).isEqualTo(Exports.sha256(SERIAL.get(i)));
        assertThat(bytes).isEqualTo(SERIAL.get(i));
      }
    }
  }

  /**
   * Verifies that killing a reader's backend while the attempt waits for S3 (its readers opened, their first batches
   * read) fails the attempt as a whole, and that the retry writes the serial export's exact file, with no multipart
   * upload left open and no other object of the job in S3.
   */
  @Test
  void aReaderKilledMidExportFailsTheAttemptAndTheRetryWritesTheExactFile() throws Exception {
    JsonObject body = BODIES[BODIES.length - 1];
    byte[] expected = SERIAL.get(BODIES.length - 1);
    String jobId;
    s3.hold(line -> line.startsWith("POST ") && line.contains("?uploads"));
    try {
      jobId = Exports.start(parallel, project, token, body);
      Await.until("the upload's creation to reach S3", Duration.ofSeconds(30), () -> s3.heldRequests() > 0);
      String waiting = " FROM pg_stat_activity WHERE datname = current_database()"
        + " AND application_name = 'link-export-reader' AND state = 'idle in transaction'"
        + " AND query LIKE 'FETCH FORWARD 1 FROM link_export_rows%'";
      Await.until("both readers to hold their first row", Duration.ofSeconds(30),
        () -> db.count("SELECT count(*)" + waiting) == 2);
      assertThat(db.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid)" + waiting + ") t"))
        .as("readers killed").isEqualTo(2L);
    } finally {
      s3.hold(line -> false);
      s3.release();
    }
    JsonObject job = Exports.await(parallel, project, token, jobId, Duration.ofSeconds(90));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getInteger("attempt")).isGreaterThanOrEqualTo(2);
    byte[] bytes = Exports.download(parallel, job.getString("downloadUrl")).body();
    assertThat(bytes).isEqualTo(expected);
    String prefix = "exports/" + project + "/" + jobId;
    Await.until("the failed attempt's upload to be aborted", Duration.ofSeconds(30),
      () -> Storage.incompleteUploads(parallel, prefix).isEmpty());
    assertThat(Storage.keys(parallel, prefix)).hasSize(1);
  }
}
