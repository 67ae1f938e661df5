package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.storage.S3Storage;
import io.linkexport.storage.SigningVerticle;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that dies mid-export (its lease expires with a part already uploaded) is rescued: the next attempt aborts
 * the dead attempt's multipart upload, exports from scratch and completes; the dead attempt can never complete or
 * fail the job afterwards (fencing), and exactly one email is queued.
 */
class ExportRecoveryIT {

  static <T> T await(Future<T> f) throws Exception {
    return Await.result(f);
  }

  @Test
  void aJobWhoseWorkerDiedIsRescuedFencedAndMailedOnce() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    AppConfig config = AppConfig.from(conf);
    Fixtures db = Fixtures.of(config);
    UUID project = db.project("Recovery", "enterprise");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 120, "rec-" + UUID.randomUUID().toString().substring(0, 6));

    // The "dead" worker: claims the job, starts the upload, uploads one part, then vanishes.
    Vertx dead = Vertx.vertx();
    Pool pool = Db.pool(dead, config, 2);
    await(dead.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(conf)));
    JobStore jobs = new JobStore(pool);
    Job created = await(jobs.create(pool, new JobStore.NewJob(project, user, "rescued@example.com",
      new JsonObject().put("showArchived", true), FileOptions.DEFAULT, null), 5));
    Job claimed = await(jobs.claim("dead-worker", 2)).job();
    assertThat(claimed.id()).isEqualTo(created.id());
    String key = Job.objectKey(project, created.id(), claimed.attempt());
    S3Storage s3 = S3Storage.create(dead, WebClient.create(dead), config);
    String uploadId = await(s3.createMultipartUpload(key, "text/csv", null));
    assertThat(await(jobs.recordUpload(claimed, uploadId, key, "primary"))).isTrue();
    await(s3.uploadPart(key, uploadId, 1, Buffer.buffer(new byte[5 * 1024 * 1024])));

    long killedAt = System.nanoTime();
    TestApp app = TestApp.start(conf);
    try {
      String token = TestTokens.session(user, "rescued@example.com");
      JsonObject job = Exports.await(app, project, token, created.id().toString(), Duration.ofSeconds(60));
      long recoveredMs = (System.nanoTime() - killedAt) / 1_000_000;
      System.out.println("rescued a dead worker's export in " + recoveredMs + " ms (lease 2 s)");
      assertThat(job.getString("status")).isEqualTo("completed");
      assertThat(job.getInteger("attempt")).isEqualTo(2);
      List<List<String>> rows = Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
      assertThat(rows).hasSize(1 + (int) links);
      assertThat(Storage.incompleteUploads(app, key)).isEmpty();

      // The dead attempt wakes up: every write it tries is refused by the fence.
      assertThat(await(jobs.complete(claimed, new AttemptResult(1, 1, "00", key, List.of(), 0, 0, 0, 0, 0, 0, 0))))
        .isNull();
      assertThat(await(jobs.fail(claimed, "X", "zombie"))).isNull();
      assertThat(await(jobs.heartbeat(claimed, "dead-worker", 30, 5))).isFalse();
      assertThat(db.count("SELECT row_count FROM export_jobs WHERE id = ?", created.id())).isEqualTo(links);
      assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ?", created.id())).isEqualTo(1);
      // Each attempt writes its own object: whatever the zombie uploads can never replace the rescued file.
      assertThat(db.count("SELECT count(*) FROM export_jobs WHERE id = ? AND object_key = ?", created.id(), key))
        .isZero();
    } finally {
      app.close();
      pool.close();
      dead.close();
      db.close();
    }
  }

  /**
   * Verifies that when the commit that completes a job fails (a deferred constraint trigger raises at COMMIT, once:
   * a real database failure after S3 completed the upload), the attempt deletes the object it completed, the job
   * completes on its next attempt with one email, and the only object left is that attempt's.
   */
  @Test
  void aFailedCompletionCommitLeavesOnlyTheObjectOfTheAttemptThatCompleted() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject().put(AppConfig.EXPORT_RETRY_BASE_MS, 200));
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    UUID project = db.project("Commit", "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 50, "commit-" + UUID.randomUUID().toString().substring(0, 6));
    db.exec("CREATE SEQUENCE completion_commits");
    db.exec("CREATE FUNCTION fail_first_completion() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      + " IF nextval('completion_commits') = 1 THEN RAISE EXCEPTION 'injected: the completion commit fails'; END IF;"
      + " RETURN NULL; END $$");
    db.exec("CREATE CONSTRAINT TRIGGER fail_first_completion AFTER UPDATE ON export_jobs DEFERRABLE INITIALLY DEFERRED"
      + " FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status = 'processing')"
      + " EXECUTE FUNCTION fail_first_completion()");
    TestApp app = TestApp.start(conf);
    try {
      String token = TestTokens.session(user, "commit@example.com");
      String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true));
      JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));

      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getInteger("attempt")).isEqualTo(2);
      assertThat(db.count("SELECT last_value FROM completion_commits")).as("completion commits tried").isEqualTo(2);
      assertThat(Exports.parse(Exports.download(app, job.getString("downloadUrl")).body())).hasSize(1 + (int) links);
      assertThat(Storage.objects(project, jobId)).extracting(p -> p.getFileName().toString())
        .containsExactly(jobId + ".2.csv");
      assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ?", UUID.fromString(jobId))).isEqualTo(1);
    } finally {
      app.close();
      db.close();
    }
  }

  /**
   * Verifies that when Postgres commits a job's completion but its reply is lost (the connection closes before a byte
   * of it comes back), the attempt, which cannot tell that the job is completed, does not delete its object: the job
   * stays completed with its file. One worker, so the next export runs only after that attempt cleaned up.
   */
  @Test
  void aLostReplyToTheCompletionCommitKeepsTheFileOfTheCompletedJob() throws Exception {
    int pgPort = TestServices.get().pgPort();
    FaultProxy pg = FaultProxy.start(pgPort);
    JsonObject conf = TestApp.isolatedConfig(new JsonObject().put(AppConfig.EXPORT_WORKERS, 1));
    conf.put(AppConfig.PG_URL, conf.getString(AppConfig.PG_URL).replace(":" + pgPort + "/", ":" + pg.port() + "/"));
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    UUID project = db.project("Lost commit", "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 50, "lc-" + UUID.randomUUID().toString().substring(0, 6));
    TestApp app = TestApp.start(conf);
    try {
      String token = TestTokens.session(user, "lost-commit@example.com");
      pg.losePgReply("SET status = 'completed'", "COMMIT");
      String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true));
      JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getInteger("attempt")).isEqualTo(1);

      // the only worker takes the next export once the first attempt's clean-up is over
      String next = Exports.start(app, project, token, new JsonObject().put("showArchived", true));
      assertThat(Exports.await(app, project, token, next, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("completed");
      assertThat(pg.lostReplies()).isEqualTo(1);
      assertThat(Storage.objects(project, jobId)).extracting(p -> p.getFileName().toString())
        .containsExactly(jobId + ".1.csv");
      JsonObject again = app.get(Exports.base(project) + "/" + jobId, token).data();
      assertThat(Exports.parse(Exports.download(app, again.getString("downloadUrl")).body())).hasSize(1 + (int) links);
    } finally {
      app.close();
      db.close();
      pg.close();
    }
  }

  /**
   * A database read that never answers must not hold a job forever (its heartbeat keeps the lease alive): the stall
   * watchdog stops the attempt after EXPORT_STALL_SECONDS, the job is retried, and once the database answers again
   * the export completes whole. An ACCESS EXCLUSIVE lock on the links table is the stuck read.
   */
  @Test
  void aStalledDatabaseReadStopsTheAttemptAndTheJobIsRetried() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject()
      .put(AppConfig.EXPORT_STALL_SECONDS, 3)
      .put(AppConfig.EXPORT_RETRY_BASE_MS, 200));
    AppConfig config = AppConfig.from(conf);
    Fixtures db = Fixtures.of(config);
    Fixtures locker = Fixtures.of(config);
    UUID project = db.project("Stall", "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 300, "stall-" + UUID.randomUUID().toString().substring(0, 6));
    TestApp app = TestApp.start(conf);
    try {
      String token = TestTokens.session(user, "stall@example.com");
      locker.conn.setAutoCommit(false);
      locker.exec("LOCK TABLE links IN ACCESS EXCLUSIVE MODE");
      String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true));

      Await.until("the stalled attempt to be stopped", Duration.ofSeconds(30), () -> db.count(
        "SELECT count(*) FROM export_jobs WHERE id = ? AND error_code = 'STALLED'", UUID.fromString(jobId)) == 1);
      locker.conn.commit();

      JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getInteger("attempt")).isGreaterThanOrEqualTo(2);
      List<List<String>> rows = Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
      assertThat(rows).hasSize(1 + (int) links);
      assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ?", UUID.fromString(jobId))).isEqualTo(1);
    } finally {
      locker.conn.rollback();
      app.close();
      locker.close();
      db.close();
    }
  }

  /**
   * Verifies that a job write blocked by another session's lock gives up after PG_LOCK_TIMEOUT_MS instead of holding
   * the attempt (and its snapshot) for the worker's statement limit: the completion waits on a lock the test holds
   * (an advisory lock its trigger takes, as an operator's open transaction on the job row would hold it), the attempt
   * gives up and is retried while the lock is held, and once it is released the job completes once, with one email and
   * only the completing attempt's object.
   */
  @Test
  void aCompletionBlockedByALockGivesUpAndTheJobCompletesOnce() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject().put(AppConfig.EXPORT_RETRY_BASE_MS, 200)
      .put(AppConfig.PG_LOCK_TIMEOUT_MS, 1000));
    AppConfig config = AppConfig.from(conf);
    Fixtures db = Fixtures.of(config);
    Fixtures locker = Fixtures.of(config);
    UUID project = db.project("Blocked completion", "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 40, "bc-" + UUID.randomUUID().toString().substring(0, 6));
    db.exec("CREATE FUNCTION completion_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
      + " PERFORM pg_advisory_xact_lock_shared(4242); RETURN NEW; END $$");
    db.exec("CREATE TRIGGER completion_gate BEFORE UPDATE ON export_jobs FOR EACH ROW"
      + " WHEN (NEW.status = 'completed' AND OLD.status = 'processing') EXECUTE FUNCTION completion_gate()");
    locker.exec("SELECT pg_advisory_lock(4242)");
    TestApp app = TestApp.start(conf);
    try {
      String token = TestTokens.session(user, "blocked@example.com");
      String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true));
      UUID id = UUID.fromString(jobId);
      // the lock is still held: without a lock limit the first completion would wait for 2 x EXPORT_STALL_SECONDS
      Await.until("a blocked completion to give up and its job to be tried again", Duration.ofSeconds(20),
        () -> db.count("SELECT count(*) FROM export_jobs WHERE id = ? AND attempt >= 2", id) == 1);
      assertThat(db.count("SELECT count(*) FROM export_jobs WHERE id = ? AND status = 'completed'", id)).isZero();
      locker.exec("SELECT pg_advisory_unlock(4242)");

      JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(Exports.parse(Exports.download(app, job.getString("downloadUrl")).body())).hasSize(1 + (int) links);
      assertThat(Storage.objects(project, jobId)).extracting(p -> p.getFileName().toString())
        .containsExactly(jobId + "." + job.getInteger("attempt") + ".csv");
      assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ?", id)).isEqualTo(1);
    } finally {
      app.close();
      locker.close();
      db.close();
    }
  }
}
