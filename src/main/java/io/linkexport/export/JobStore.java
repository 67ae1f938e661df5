package io.linkexport.export;

import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.IsoTime;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The export job table: the durable queue. Every write after the claim is fenced by {@code (id, attempt)} and
 * {@code status = 'processing'}, so an attempt that lost its lease (a paused or partitioned worker) or a cancelled
 * job can never be completed or failed by a stale worker. Fenced writes answer {@code false} / {@code null} when the
 * fence did not hold.
 */
public final class JobStore {

  private final Pool pool;

  public JobStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * What a new job is: who asked, for which links (filters) and which file (options); a scheduled run also names its
   * schedule and the recipients of its email (besides {@code email}).
   */
  public record NewJob(UUID projectId, UUID userId, String email, JsonObject filters, FileOptions options,
                       String idempotencyKey, UUID scheduleId, List<String> recipients) {
    public NewJob(UUID projectId, UUID userId, String email, JsonObject filters, FileOptions options,
                  String idempotencyKey) {
      this(projectId, userId, email, filters, options, idempotencyKey, null, List.of());
    }
  }

  /** Inserts a pending job on {@code client} (a transaction when limits were checked in it). */
  public Future<Job> create(SqlClient client, NewJob n, int maxAttempts) {
    FileOptions o = n.options();
    return client.preparedQuery(SqlStatements.get("job_insert"))
      .execute(Tuple.tuple().addUUID(n.projectId()).addUUID(n.userId()).addString(n.email())
        .addValue(n.filters()).addInteger(maxAttempts).addString(n.idempotencyKey())
        .addArrayOfString(o.columns().ids().toArray(new String[0])).addString(o.format().id())
        .addString(o.compression().id()).addString(o.split().id()).addLong(o.maxRowsPerFile())
        .addInteger(Column.SCHEMA_VERSION).addUUID(n.scheduleId())
        .addArrayOfString(n.recipients().isEmpty() ? null : n.recipients().toArray(new String[0])))
      .map(JobStore::first);
  }

  /** The job a previous request with this Idempotency-Key created, or null. */
  public Future<Job> findByIdempotencyKey(SqlClient client, UUID projectId, String key) {
    return client.preparedQuery(SqlStatements.get("job_by_idempotency_key")).execute(Tuple.of(projectId, key))
      .map(JobStore::first);
  }

  /** The job, or null when it does not exist in that project. */
  public Future<Job> find(UUID projectId, UUID jobId) {
    return pool.preparedQuery(SqlStatements.get("job_find")).execute(Tuple.of(jobId, projectId)).map(JobStore::first);
  }

  public Future<List<Job>> recent(UUID projectId, int limit) {
    return pool.preparedQuery(SqlStatements.get("job_list")).execute(Tuple.of(projectId, limit)).map(rows -> {
      List<Job> out = new ArrayList<>();
      rows.forEach(r -> out.add(Job.from(r)));
      return out;
    });
  }

  /**
   * The cancelled job, or null when no pending/processing job had that id in that project. A cancelled job ends
   * failed (errorCode CANCELLED) and its webhook event says so; it sends no email (the member did it).
   */
  public Future<Job> cancel(UUID projectId, UUID jobId) {
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.get("job_cancel"))
      .execute(Tuple.of(jobId, projectId)).map(JobStore::first)
      .compose(cancelled -> enqueueWebhook(conn, cancelled, "export.failed")));
  }

  /**
   * A claimed job; {@code rescued} when it was taken from a worker whose lease had expired (dead or frozen);
   * {@code unreadable}: the 400 of a stored file option this version does not know, which the attempt fails with.
   */
  public record Claim(Job job, boolean rescued, ServiceException unreadable) {
  }

  /** Claims the next runnable job for {@code workerId}, or null when none is due. */
  public Future<Claim> claim(String workerId, int leaseSeconds) {
    return pool.preparedQuery(SqlStatements.get("job_claim")).execute(Tuple.of(workerId, leaseSeconds))
      .map(rows -> {
        var it = rows.iterator();
        if (!it.hasNext()) {
          return null;
        }
        Row r = it.next();
        ServiceException unreadable = null;
        try {
          Job.options(r);
        } catch (ServiceException e) {
          unreadable = e;
        }
        return new Claim(Job.from(r), Boolean.TRUE.equals(r.getBoolean("rescued")), unreadable);
      });
  }

  public Future<Boolean> heartbeat(Job job, String workerId, int leaseSeconds, long rowsWritten) {
    return pool.preparedQuery(SqlStatements.get("job_heartbeat"))
      .execute(Tuple.of(job.id(), job.attempt(), leaseSeconds, rowsWritten, workerId))
      .map(rows -> rows.rowCount() == 1);
  }

  /** Ends this attempt's lease now so another worker takes the job over (see job_release.sql). */
  public Future<Boolean> release(Job job, String workerId) {
    return pool.preparedQuery(SqlStatements.get("job_release"))
      .execute(Tuple.of(job.id(), job.attempt(), workerId))
      .map(rows -> rows.rowCount() == 1);
  }

  /** Records the snapshot's count of this attempt (the job shows it at once); false when the fence did not hold. */
  public Future<Boolean> recordCount(Job job, long rowCount) {
    return pool.preparedQuery(SqlStatements.get("job_set_count"))
      .execute(Tuple.of(job.id(), job.attempt(), rowCount))
      .map(rows -> rows.rowCount() == 1);
  }

  /** Records the attempt's upload and what its snapshot is read from ({@code ReadReplicas.name}). */
  public Future<Boolean> recordUpload(Job job, String uploadId, String key, String readSource) {
    return pool.preparedQuery(SqlStatements.get("job_set_upload"))
      .execute(Tuple.of(job.id(), job.attempt(), uploadId, key, readSource))
      .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> clearUpload(UUID jobId, String uploadId) {
    return pool.preparedQuery(SqlStatements.get("job_clear_upload")).execute(Tuple.of(jobId, uploadId)).mapEmpty();
  }

  /**
   * Completes the attempt with what it wrote (every file, the download's size, SHA-256 and key) and queues its one
   * email in the same transaction; null when the fence did not hold.
   */
  Future<Job> complete(Job job, AttemptResult r) {
    JsonArray files = new JsonArray();
    r.files().forEach(f -> files.add(f.toJobJson()));
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.get("job_complete"))
      .execute(Tuple.tuple().addUUID(job.id()).addInteger(job.attempt()).addLong(r.rows()).addLong(r.bytes())
        .addString(r.sha256()).addValue(files).addString(r.objectKey()))
      .map(JobStore::first)
      .compose(done -> enqueueMail(conn, done, "export_ready"))
      .compose(done -> enqueueWebhook(conn, done, "export.completed")));
  }

  /** Fails the job for good (and queues the failure email); null when the fence did not hold. */
  public Future<Job> fail(Job job, String code, String message) {
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.get("job_fail"))
      .execute(Tuple.of(job.id(), job.attempt(), message, code))
      .map(JobStore::first)
      .compose(failed -> enqueueMail(conn, failed, "export_failed"))
      .compose(failed -> enqueueWebhook(conn, failed, "export.failed")));
  }

  /** Releases the job for another attempt after {@code delaySeconds}; false when the fence did not hold. */
  public Future<Boolean> retryLater(Job job, String code, double delaySeconds) {
    return pool.preparedQuery(SqlStatements.get("job_retry"))
      .execute(Tuple.of(job.id(), job.attempt(), delaySeconds, code))
      .map(rows -> rows.rowCount() == 1);
  }

  /** The job's email to each of its recipients (unique per job and recipient), with what its template needs. */
  private static Future<Job> enqueueMail(SqlClient conn, Job job, String kind) {
    if (job == null) {
      return Future.succeededFuture(null);
    }
    Set<String> to = new LinkedHashSet<>();
    if (job.email() != null && !job.email().isBlank()) {
      to.add(job.email());
    }
    to.addAll(job.recipients());
    if (to.isEmpty()) {
      return Future.succeededFuture(job);
    }
    return conn.preparedQuery(SqlStatements.get("job_outbox_enqueue"))
      .execute(Tuple.of(job.id(), kind, to.toArray(new String[0]), new JsonObject()
        .put(Fields.JOB_ID, job.id().toString()).put(Fields.PROJECT_ID, job.projectId().toString())
        .put("projectName", job.projectName()).put("rowCount", job.rowCount()).put("objectKey", job.objectKey())
        .put("filename", job.filename()).put("contentType", job.contentType()).put("error", job.error())
        .put("period", Period.sentence(job.filters()))
        .put("bytes", job.bytes()).put("sha256", job.sha256()).put("files", JobJson.files(job.files()))
        .put("createdAt", IsoTime.format(job.createdAt())).put("finishedAt", IsoTime.format(job.finishedAt()))))
      .map(job);
  }

  /**
   * The job's webhook event for every subscribed endpoint (job_webhook_enqueue.sql), as the Standard Webhooks
   * specification shapes it: {@code {"type", "timestamp", "data": the job as its status shows it}} without a download
   * URL (a receiver asks the status with its own credentials, so a leaked webhook log leaks no file). The event id,
   * the {@code webhook-id} header, is derived from the job: one event per job and type.
   */
  private static Future<Job> enqueueWebhook(SqlClient conn, Job job, String type) {
    if (job == null) {
      return Future.succeededFuture(null);
    }
    String eventId = "msg_" + job.id().toString().replace("-", "") + "_" + type.substring(type.indexOf('.') + 1);
    String body = new JsonObject().put("type", type).put("timestamp", IsoTime.format(job.finishedAt()))
      .put("data", JobJson.of(job)).encode();
    return conn.preparedQuery(SqlStatements.get("job_webhook_enqueue"))
      .execute(Tuple.of(job.id(), job.projectId(), type, eventId, body))
      .map(job);
  }

  private static Job first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Job.from(it.next()) : null;
  }
}
