package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.LogCapture;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports yield to the node's list queries ({@link ExportPacing}), with the real service: a list query is held
 * running by a lock on the table it reads (the folder picker's {@code folders}, which no export reads), so the node
 * serves a list query for exactly as long as the test says, without load or timing.
 */
class ExportPacingIT {

  private static final JsonObject BY_CREATION = new JsonObject().put("sortBy", "createdAt").put("showArchived", true);

  /**
   * Verifies that an export started alone is planned for its total time and never waits, and that the same export
   * started while a list query runs is planned for a fast start, waits between its batches, and writes the same file.
   */
  @Test
  void anExportBesideARunningListQueryStartsFastYieldsAndWritesTheSameFile() throws Exception {
    TestApp app = TestApp.isolated(new JsonObject()
      .put(AppConfig.EXPORT_FETCH_SIZE, 20)
      // the held list query waits for the test's lock (the export takes a second or two), not for these; the mail
      // lease must outlast the bus and SMTP timeouts twice over (ConfigCheck)
      .put(AppConfig.PG_LOCK_TIMEOUT_MS, 60_000).put(AppConfig.BUS_SEND_TIMEOUT_MS, 70_000)
      .put(AppConfig.SMTP_TIMEOUT_MS, 5_000).put(AppConfig.MAIL_LEASE_SECONDS, 200));
    try (Fixtures db = Fixtures.of(app); Fixtures locker = Fixtures.of(app)) {
      String s = UUID.randomUUID().toString().substring(0, 8);
      UUID project = db.project("Pacing " + s, "pro");
      String token = TestTokens.session(db.member(project), "pacing-" + s + "@example.com");
      db.bulkLinks(project, 400, "pace-" + s, 3);
      db.exec("ANALYZE links"); // the plan is chosen from the table's statistics

      Result alone = export(app, project, token);
      assertThat(alone.plan()).startsWith("total (links-column sort;");
      assertThat(alone.yieldedMs()).isZero();

      locker.conn.setAutoCommit(false);
      try (Statement st = locker.conn.createStatement()) {
        st.execute("LOCK TABLE folders IN ACCESS EXCLUSIVE MODE");
      }
      CompletableFuture<TestApp.Res> picker = CompletableFuture.supplyAsync(
        () -> app.get("/api/v1/projects/" + project + "/folders", token));
      Await.until("the folder picker's query waits for the lock", Duration.ofSeconds(30), () -> db.count(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
          + " WHERE c.relname = 'folders' AND NOT l.granted") == 1);

      Result beside = export(app, project, token);
      assertThat(beside.plan()).startsWith("fast-start (yields to list pages, in shared_buffers;");
      assertThat(beside.yieldedMs()).as("20 batches, each followed by a wait of at least 1 ms").isGreaterThanOrEqualTo(20);
      assertThat(beside.sha256()).isEqualTo(alone.sha256());
      assertThat(picker).as("the list query is still held").isNotDone();

      locker.conn.rollback();
      assertThat(picker.get().status()).isEqualTo(200);
    } finally {
      app.close();
    }
  }

  private record Result(String plan, long yieldedMs, String sha256) {
  }

  private static Result export(TestApp app, UUID project, String token) {
    try (LogCapture plans = LogCapture.of(ExportPlanner.class); LogCapture outcomes = LogCapture.of(
      OutcomeRecorder.class)) {
      String jobId = Exports.start(app, project, token, BY_CREATION);
      JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getLong("rowCount")).isEqualTo(400);
      byte[] file = Exports.download(app, job.getString("downloadUrl")).body();
      assertThat(Exports.parse(file)).hasSize(401);
      // the loggers are the JVM's: other services' exports may log beside this one
      String plan = only(plans.messages(), "export " + jobId + " ", "reads with the ")
        .replaceAll(".*reads with the ", "");
      String done = only(outcomes.messages(), "export " + jobId + " ", " completed: ")
        .replaceAll(".*yielding to list pages ", "");
      return new Result(plan, Long.parseLong(done.substring(0, done.indexOf(' '))), Exports.sha256(file));
    }
  }

  private static String only(List<String> messages, String job, String marker) {
    List<String> found = messages.stream().filter(m -> m.startsWith(job) && m.contains(marker)).toList();
    assertThat(found).as("one line with '%s' in %s", marker, messages).hasSize(1);
    return found.get(0);
  }
}
