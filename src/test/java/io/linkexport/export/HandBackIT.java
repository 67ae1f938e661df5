package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.LogCapture;
import io.linkexport.support.Mailbox;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutdowns and restarts must not burn attempts: a job handed back by a node that shuts down is not charged an
 * attempt (hand-backs are counted apart), and a claim that answers while the node is stopping is handed back at once
 * instead of starting an attempt on a closing pool and waiting out its lease. Every job here may have one attempt
 * only ({@code max_attempts = 1}) and a lease of a minute, so a takeover that waited for the lease, or a hand-back
 * that cost an attempt, would show.
 */
class HandBackIT {

  static final int LINKS = 30;
  static final JsonObject ALL = new JsonObject().put("showArchived", true);

  /**
   * Verifies that an export handed back at shutdown (a part upload held by S3 past the stop grace) is released at
   * once without using its only attempt, and that another node then completes it with one file and one email.
   */
  @Test
  void anExportHandedBackAtShutdownIsCompletedElsewhereWithoutUsingAnAttempt() throws Exception {
    FaultProxy s3 = FaultProxy.start(TestServices.get().s3Port());
    JsonObject conf = TestApp.isolatedConfig(settings()
      .put(AppConfig.EXPORT_MAX_ATTEMPTS, 1)
      .put(AppConfig.EXPORT_STOP_GRACE_MS, 300)
      // A roomy bound for the hand-back (it waits at most half of it for the held part), so a slow machine cannot
      // let the shutdown stop waiting before the release.
      .put(AppConfig.EXPORT_HAND_BACK_MS, 10_000));
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    TestApp first = null;
    TestApp second = null;
    try {
      Fixtures.Tenant t = db.tenant("Hand back", "pro", "handback-" + UUID.randomUUID().toString().substring(0, 6)
        + "@example.com");
      db.bulkLinks(t.project(), LINKS, "hb-" + UUID.randomUUID().toString().substring(0, 6));
      first = TestApp.start(conf.copy().put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port()));
      // The CSV is one small part, uploaded at the end: holding it keeps the attempt running until the shutdown.
      s3.hold(line -> line.startsWith("PUT ") && line.matches(".*[?&]partNumber=1[& ].*"));
      String jobId = Exports.start(first, t.project(), t.token(), ALL);
      UUID job = UUID.fromString(jobId);
      Await.until("the part upload to reach S3", Duration.ofSeconds(30), () -> s3.heldRequests() > 0);

      TestApp stopping = first;
      first = null;
      stopping.close();
      // Its upload may still be open (Vert.x undeploys the signing verticle alongside the worker): the next attempt
      // aborts it, as it does for a dead worker's.
      assertThat(db.strings("SELECT concat_ws(' ', status, attempt, hand_backs, lease_owner IS NULL,"
        + " lease_until <= now()) FROM export_jobs WHERE id = ?", job))
        .as("status, attempt, hand-backs, released, lease over, once the node has stopped")
        .containsExactly("processing 1 1 t t");

      second = TestApp.start(conf);
      JsonObject done = Exports.await(second, t.project(), t.token(), jobId, Duration.ofSeconds(30));
      assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
      assertThat(done.getInteger("attempt")).isEqualTo(2);
      assertThat(db.count("SELECT hand_backs FROM export_jobs WHERE id = ?", job)).isEqualTo(1);
      List<List<String>> rows = Exports.parse(Exports.download(second, done.getString("downloadUrl")).body());
      assertThat(rows).hasSize(1 + LINKS);
      assertThat(Storage.objects(t.project(), jobId)).hasSize(1);
      assertThat(Storage.incompleteUploads(second, "exports/" + t.project() + "/")).isEmpty();
      Mailbox.exactlyOne(TestServices.get().smtp(), db, job, t.email());
    } finally {
      for (TestApp app : new TestApp[] {first, second}) {
        if (app != null) {
          app.close();
        }
      }
      s3.close();
      db.close();
    }
  }

  /**
   * Verifies that a claim still waiting for the database when the node begins to stop does not start an attempt:
   * the stop waits for it, the job it returns is released at once (no lease left, one hand-back, no attempt used),
   * and another node completes it. A second connection holds {@code LOCK TABLE export_jobs IN SHARE MODE} (taken in
   * the transaction that inserts the job), so the worker's claim waits on the lock for as long as the test wants.
   */
  @Test
  void aClaimInFlightAtShutdownIsHandedBackAtOnce() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(settings().put(AppConfig.EXPORT_STOP_GRACE_MS, 10_000));
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    Fixtures locker = Fixtures.of(AppConfig.from(conf));
    LogCapture logs = LogCapture.of(ExportWorker.class);
    TestApp second = null;
    try {
      Fixtures.Tenant t = db.tenant("Claim at stop", "pro", "claimstop-" + UUID.randomUUID().toString()
        .substring(0, 6) + "@example.com");
      db.bulkLinks(t.project(), LINKS, "cs-" + UUID.randomUUID().toString().substring(0, 6));
      TestApp first = TestApp.start(conf);

      locker.conn.setAutoCommit(false);
      UUID job = locker.uuid("INSERT INTO export_jobs (project_id, requested_by, requester_email, filters,"
        + " max_attempts) VALUES (?, ?, ?, ?::jsonb, 1) RETURNING id", t.project(), t.user(), t.email(), ALL.encode());
      locker.exec("LOCK TABLE export_jobs IN SHARE MODE");
      Await.until("the worker's claim to wait for the table lock", Duration.ofSeconds(30), () -> db.count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
          + " AND query LIKE '%FOR UPDATE SKIP LOCKED%'") == 1);

      Future<Void> stopping = first.vertx.close();
      Await.until("the worker to begin stopping while its claim waits", Duration.ofSeconds(30), () -> logs
        .contains("stopping (a claim is under way)"));
      locker.conn.commit();
      Await.result(stopping, Duration.ofSeconds(30));

      assertThat(db.strings("SELECT concat_ws(' ', status, attempt, hand_backs, lease_owner IS NULL,"
        + " lease_until <= now()) FROM export_jobs WHERE id = ?", job))
        .as("status, attempt, hand-backs, released, lease over, once the node has stopped")
        .containsExactly("processing 1 1 t t");

      second = TestApp.start(conf);
      JsonObject done = Exports.await(second, t.project(), t.token(), job.toString(), Duration.ofSeconds(30));
      assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
      assertThat(done.getInteger("attempt")).isEqualTo(2);
      assertThat(Exports.parse(Exports.download(second, done.getString("downloadUrl")).body())).hasSize(1 + LINKS);
    } finally {
      logs.close();
      if (!locker.conn.getAutoCommit()) {
        locker.conn.rollback();
      }
      if (second != null) {
        second.close();
      }
      locker.close();
      db.close();
    }
  }

  /**
   * Verifies that an export still writing when its node begins to stop finishes within the stop grace without using
   * an attempt: the workers stop before the verticles they need (the signing verticle signs the parts still to come;
   * closing Vert.x alone undeployed it alongside the worker, the next part could not be signed and the job's only
   * attempt failed with STORAGE_ERROR). Part 1 is held until the shutdown has begun, so part 2 is signed during it.
   */
  @Test
  void anExportWritingWhenItsNodeStopsFinishesWithinTheGrace() throws Exception {
    FaultProxy s3 = FaultProxy.start(TestServices.get().s3Port());
    JsonObject conf = TestApp.isolatedConfig(settings().put(AppConfig.EXPORT_MAX_ATTEMPTS, 1)
      .put(AppConfig.EXPORT_STOP_GRACE_MS, 30_000));
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    LogCapture logs = LogCapture.of(ExportWorker.class);
    try {
      Fixtures.Tenant t = db.tenant("Stop grace", "pro", "grace-" + UUID.randomUUID().toString().substring(0, 6)
        + "@example.com");
      int links = 40_000; // about 7 MB of CSV: two parts
      db.bulkLinks(t.project(), links, "gr-" + UUID.randomUUID().toString().substring(0, 6), 1);
      TestApp first = TestApp.start(conf.copy().put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port()));
      s3.hold(line -> line.startsWith("PUT ") && line.matches(".*[?&]partNumber=1[& ].*"));
      String jobId = Exports.start(first, t.project(), t.token(), ALL);
      Await.until("part 1 to reach S3", Duration.ofSeconds(60), () -> s3.heldRequests() > 0);

      java.util.concurrent.CompletableFuture<Void> stopping =
        java.util.concurrent.CompletableFuture.runAsync(first::close);
      Await.until("the worker to begin stopping with its export running", Duration.ofSeconds(30), () -> logs
        .contains("stopping (an export is running"));
      s3.hold(line -> false);
      s3.release();
      stopping.get(60, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(db.strings("SELECT concat_ws(' ', status, attempt, hand_backs, coalesce(error_code, '-'))"
        + " FROM export_jobs WHERE id = ?", UUID.fromString(jobId)))
        .as("status, attempt, hand-backs, error once the node has stopped").containsExactly("completed 1 0 -");
      assertThat(Storage.objects(t.project(), jobId)).hasSize(1);
    } finally {
      logs.close();
      s3.close();
      db.close();
    }
  }

  /** One worker and a lease of a minute: only a hand-back can let another node take the job over promptly. */
  private static JsonObject settings() {
    return new JsonObject().put(AppConfig.EXPORT_WORKERS, 1).put(AppConfig.EXPORT_LEASE_SECONDS, 60);
  }
}
