package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.storage.MultipartUpload;
import io.linkexport.storage.PartEtag;
import io.linkexport.storage.S3Storage;
import io.linkexport.storage.SigningVerticle;
import io.linkexport.support.Await;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The janitor's sweep of what no job references under {@code exports/}, against the real job table and s3proxy.
 * Each test has a database and a bucket of its own ({@link TestApp#isolatedConfig}), and only the pieces the janitor
 * needs (a pool, the signing verticle, the storage client), so nothing else writes to either.
 */
class RetentionJanitorIT {

  private Vertx vertx;
  private Pool pool;
  private S3Storage s3;
  private Fixtures db;
  private UUID project;

  @BeforeEach
  void start() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    AppConfig config = AppConfig.from(conf);
    vertx = Vertx.vertx();
    Await.result(vertx.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(conf)));
    pool = Db.pool(vertx, config, 2);
    s3 = S3Storage.create(vertx, WebClient.create(vertx), config);
    db = Fixtures.of(config);
    project = db.project("Janitor " + UUID.randomUUID().toString().substring(0, 8), "pro");
  }

  @AfterEach
  void stop() throws Exception {
    db.close();
    Await.result(pool.close());
    Await.result(vertx.close());
  }

  /** One round that ran (a round another runner holds the lock for is skipped: run another). */
  static RetentionJanitor.Round round(RetentionJanitor janitor) {
    return Await.value("a janitor round that holds the lock", Duration.ofSeconds(60), () -> {
      try {
        RetentionJanitor.Round r = Await.result(janitor.runOnce());
        return r.ran() ? r : null;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /**
   * Verifies that a round deletes the objects under {@code exports/<project>/} that no job references (a zombie
   * attempt's object whose delete failed, an object of a job that no longer exists), and keeps the object of a
   * completed, unexpired export and the object of an attempt whose completion is being recorded right now.
   */
  @Test
  void anObjectNoJobReferencesIsDeletedAndReferencedOnesAreKept() throws Exception {
    UUID completed = UUID.randomUUID();
    String completedKey = job(completed, "completed", 2);
    UUID recording = UUID.randomUUID();
    String recordingKey = job(recording, "processing", 1);
    String zombie = Job.objectKey(project, completed, 1);
    String gone = Job.objectKey(project, UUID.randomUUID(), 1);
    for (String key : List.of(completedKey, recordingKey, zombie, gone)) {
      put(key);
    }

    RetentionJanitor.Round r = round(new RetentionJanitor(pool, s3, Duration.ofDays(30)));

    assertThat(keys()).containsExactlyInAnyOrder(completedKey, recordingKey);
    assertThat(r.objectsListed()).isEqualTo(4);
    assertThat(r.objectsDeleted()).isEqualTo(2);
  }

  /**
   * Verifies that every file of a completed split export (its data files and its manifest, listed in the job's
   * files) counts as referenced and is kept, while a file its failed first attempt left is deleted; that every object
   * under a job that is still processing is kept (its attempt writes a split's files one after the other and records
   * them only when it completes); and that once retention ends every file of the split goes, not only its download.
   */
  @Test
  void everyFileOfASplitJobIsKeptUntilRetentionEnds() throws Exception {
    UUID split = UUID.randomUUID();
    List<String> files = List.of(Job.splitKey(project, split, 2, 1, ".csv"), Job.splitKey(project, split, 2, 2, ".csv"),
      Job.splitKey(project, split, 2, 0, ""));
    JsonArray stored = new JsonArray();
    files.forEach(k -> stored.add(new JsonObject().put("name", k.substring(k.lastIndexOf('/') + 1)).put("key", k)));
    db.exec("INSERT INTO export_jobs (id, project_id, requested_by, status, attempt, object_key, files, split,"
      + " started_at, finished_at) VALUES (?, ?, ?, 'completed', 2, ?, ?::jsonb, 'auto', now(), now())", split,
      project, UUID.randomUUID(), files.get(2), stored.encode());
    String deadAttempts = Job.splitKey(project, split, 1, 1, ".csv");
    UUID running = UUID.randomUUID();
    job(running, "processing", 1);
    List<String> writing = List.of(Job.splitKey(project, running, 1, 1, ".csv"),
      Job.splitKey(project, running, 1, 2, ".csv"));
    for (String key : List.of(files.get(0), files.get(1), files.get(2), deadAttempts, writing.get(0),
      writing.get(1))) {
      put(key);
    }

    RetentionJanitor.Round r = round(new RetentionJanitor(pool, s3, Duration.ofDays(30)));

    assertThat(keys()).containsExactlyInAnyOrder(files.get(0), files.get(1), files.get(2), writing.get(0),
      writing.get(1));
    assertThat(r.objectsDeleted()).isEqualTo(1);

    db.exec("UPDATE export_jobs SET finished_at = now() - interval '31 days' WHERE id = ?", split);
    RetentionJanitor.Round expiry = round(new RetentionJanitor(pool, s3, Duration.ofDays(30)));
    assertThat(expiry.expired()).isEqualTo(1);
    assertThat(keys()).containsExactlyInAnyOrder(writing.get(0), writing.get(1));
  }

  /**
   * Verifies that the sweep is bounded per round and continues across rounds: with pages of two keys, each round
   * lists two, the next round starts after the last key of the one before, and after the end the sweep starts over
   * from the first key (an orphan that sorts first, added after the pass, is found on the next pass).
   */
  @Test
  void theSweepListsOnePageARoundAndContinuesAfterItsLastKey() throws Exception {
    String kept = job(UUID.randomUUID(), "completed", 1);
    put(kept);
    for (int i = 0; i < 5; i++) {
      put(Job.objectKey(project, UUID.randomUUID(), 1));
    }
    RetentionJanitor janitor = new RetentionJanitor(pool, s3, Duration.ofDays(30),
      new OrphanSweep(s3, 2, Duration.ofHours(1), Clock.systemUTC()));

    int deleted = 0;
    for (int i = 1; i <= 3; i++) {
      RetentionJanitor.Round r = round(janitor);
      assertThat(r.objectsListed()).as("keys listed in round " + i).isEqualTo(2);
      deleted += r.objectsDeleted();
      assertThat(keys()).as("keys left after round " + i).hasSize(6 - deleted);
    }
    assertThat(deleted).isEqualTo(5);
    assertThat(keys()).containsExactly(kept);

    String first = Job.objectKey(project, new UUID(0, 0), 1);
    put(first);
    RetentionJanitor.Round again = round(janitor);
    assertThat(again.objectsListed()).isEqualTo(2);
    assertThat(again.objectsDeleted()).isEqualTo(1);
    assertThat(keys()).containsExactly(kept);
  }

  /**
   * Verifies that an incomplete multipart upload under {@code exports/} that no job records is aborted once it is old
   * enough, that a young one is left alone (an attempt creates its upload before recording it), and that an upload
   * a running job records is kept whatever its age.
   */
  @Test
  void anOldUploadNoJobRecordsIsAbortedAndARecordedOneIsKept() throws Exception {
    UUID running = UUID.randomUUID();
    String runningKey = job(running, "processing", 1);
    String recorded = Await.result(s3.createMultipartUpload(runningKey, "text/csv", null));
    db.exec("UPDATE export_jobs SET upload_id = ? WHERE id = ?", recorded, running);
    String orphanKey = Job.objectKey(project, UUID.randomUUID(), 1);
    String orphan = Await.result(s3.createMultipartUpload(orphanKey, "text/csv", null));

    RetentionJanitor.Round young = round(new RetentionJanitor(pool, s3, Duration.ofDays(30)));
    assertThat(uploads()).as("s3proxy reports every upload as initiated now: too young to abort")
      .containsExactlyInAnyOrder(recorded, orphan);
    assertThat(young.uploadsListed()).isEqualTo(2);

    RetentionJanitor.Round old = round(new RetentionJanitor(pool, s3, Duration.ofDays(30),
      new OrphanSweep(s3, 1_000, Duration.ZERO, Clock.systemUTC())));
    assertThat(uploads()).containsExactly(recorded);
    assertThat(old.uploadsAborted()).isEqualTo(1);
    Await.result(s3.abortMultipartUpload(runningKey, recorded));
  }

  /** A job row of the project with this id, status and attempt, its object key recorded; answers the key. */
  private String job(UUID id, String status, int attempt) {
    String key = Job.objectKey(project, id, attempt);
    db.exec("INSERT INTO export_jobs (id, project_id, requested_by, status, attempt, object_key, started_at,"
        + " finished_at) VALUES (?, ?, ?, ?, ?, ?, now(), CASE WHEN ? = 'completed' THEN now() END)", id, project,
      UUID.randomUUID(), status, attempt, key, status);
    return key;
  }

  /** A small object at {@code key}, written the way exports are (one multipart upload). */
  private void put(String key) throws Exception {
    String uploadId = Await.result(s3.createMultipartUpload(key, "text/csv", null));
    String etag = Await.result(s3.uploadPart(key, uploadId, 1, Buffer.buffer("Name\r\n")));
    Await.result(s3.completeMultipartUpload(key, uploadId, List.of(new PartEtag(1, etag))));
  }

  private List<String> keys() throws Exception {
    return Await.result(s3.listObjects("exports/", null, 1_000)).keys();
  }

  private List<String> uploads() throws Exception {
    return Await.result(s3.listMultipartUploads("exports/")).stream().map(MultipartUpload::uploadId).toList();
  }
}
