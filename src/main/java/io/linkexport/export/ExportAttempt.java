package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkQuery;
import io.linkexport.storage.PartEtag;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgConnection;
import io.linkexport.db.ReadReplicas;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of one export, from one consistent snapshot (a read-only REPEATABLE READ transaction): abort what a
 * previous attempt left in S3, count the matching links against the cap, create the multipart upload (recorded,
 * fenced, on the job), pump the rows through the cursor into the {@link CsvUploadSink}, complete the upload. Answers
 * the {@link AttemptResult}; on failure the caller runs {@link #cleanUp} and records the outcome. The snapshot's
 * connection is closed with the attempt, within a bounded time even when it is stuck.
 */
final class ExportAttempt {

  private static final Logger LOG = LoggerFactory.getLogger(ExportAttempt.class);

  private final Job job;
  private final String key;
  private final Pool pool;
  private final Pool snapshots;
  private final ReadReplicas.Replica replica;
  /** What the snapshot is read from: "primary" or a replica's name; recorded on the job with its upload. */
  private final String readSource;
  private final JobStore jobs;
  private final S3Storage storage;
  private final AppConfig config;
  private final StallWatchdog watchdog;
  private volatile CsvUploadSink<Row> sink;
  private volatile CursorPump pump;
  private volatile SqlConnection conn;
  private volatile String uploadId;
  private volatile String stopReason;
  private volatile boolean handedBack;
  /** Set once CompleteMultipartUpload is sent: from then on S3 may hold this attempt's object. */
  private volatile boolean completeSent;
  /** Set when the commit completing the job may have succeeded unseen: the object may be the job's file. */
  private volatile boolean mayBeTheJobsFile;
  /** What the attempt does before the cursor loop starts, for the stall log. */
  private volatile String phase = "starting";
  private long expectedRows = -1;
  private long started;
  private long counted;
  private long uploadCreated;

  /**
   * @param replica the read replica of the snapshot (count and rows), or null for the primary; the job's writes
   *     (upload, heartbeats, outcome) always go to the primary ({@code pool})
   */
  ExportAttempt(Job job, Pool pool, JobStore jobs, S3Storage storage, AppConfig config, ReadReplicas.Replica replica) {
    this.job = job;
    this.replica = replica;
    this.snapshots = replica == null ? pool : replica.snapshots();
    this.readSource = ReadReplicas.name(replica);
    this.key = Job.objectKey(job.projectId(), job.id(), job.attempt());
    this.pool = pool;
    this.jobs = jobs;
    this.storage = storage;
    this.config = config;
    this.watchdog = new StallWatchdog(TimeUnit.SECONDS.toNanos(config.exportStallSeconds()), System::nanoTime);
  }

  Job job() {
    return job;
  }

  /** Runs the attempt; completes with what it produced. */
  Future<AttemptResult> run() {
    started = System.nanoTime();
    LinkQuery query = LinkQuery.of(job.projectId(), LinkFilter.fromJson(job.filters()));
    return abortPrevious().compose(v -> snapshots.getConnection().onFailure(err -> {
      if (replica != null) {
        replica.unreachable(); // its retry reads the primary rather than wait for the lag check to notice
      }
    })).compose(c -> {
      conn = c;
      return c.begin()
        .compose(tx -> c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
          .compose(v -> checkCap(query))
          .compose(v -> startUpload())
          .compose(v -> stream(query))
          .eventually(() -> bounded(tx.rollback())))
        .eventually(() -> bounded(c.close()));
    });
  }

  /** Stops the attempt (cancelled, lease lost, node shutting down): the next write or wait of the sink fails. */
  void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    CsvUploadSink<Row> s = sink;
    if (s != null) {
      s.stop(reason);
    }
  }

  /** Stops the attempt so that its job can be handed back to another node. */
  void handBack() {
    handedBack = true;
    stop("the node is shutting down; another node takes the export over");
  }

  boolean stopped() {
    return stopReason != null;
  }

  boolean handedBack() {
    return handedBack;
  }

  /** Rows encoded so far. */
  long rows() {
    CsvUploadSink<Row> s = sink;
    return s == null ? 0 : s.rows();
  }

  /** The heartbeat's stall check: stops the attempt (and cancels its statement) when reading made no progress. */
  void checkStall() {
    CsvUploadSink<Row> s = sink;
    long progress = s == null ? 0 : s.rows() + s.bytes();
    StallWatchdog.Verdict verdict = watchdog.check(progress, s != null && s.partsInFlight() > 0);
    if (verdict == StallWatchdog.Verdict.FINE) {
      return;
    }
    CursorPump p = pump;
    LOG.warn("export {} attempt {} stalled: no progress for {} s while {} ({} rows, {} bytes, database call under way:"
        + " {}); stopping the attempt", job.id(), job.attempt(), watchdog.stalledSeconds(),
      p == null ? phase : p.describe(), rows(), s == null ? 0 : s.bytes(),
      verdict == StallWatchdog.Verdict.STOPPED_IN_CALL);
    SqlConnection c = conn;
    if (verdict == StallWatchdog.Verdict.STOPPED_IN_CALL && c != null) {
      // Cancel the statement on the server so the connection answers again (and can be rolled back and reused).
      PgConnection.cast(c).cancelRequest().onFailure(e ->
        LOG.warn("export {} could not cancel its stalled statement: {}", job.id(), e.getMessage()));
    }
  }

  /**
   * After a failure: lets a part upload still under way end (S3 may store a part that is under way during an abort,
   * and nothing would ever delete it), then aborts the upload. Once CompleteMultipartUpload was sent, S3 may hold the
   * object although the attempt failed (a lost reply, a failed completion commit, a fence that no longer held): it is
   * deleted too, unless {@link #keepObject} said the job may be completed with it. The key is this attempt's own,
   * never the file of another attempt. Never fails: the next attempt aborts what is left, and the janitor's sweep
   * deletes any object no job references. A handed-back attempt waits at most half of {@code EXPORT_HAND_BACK_MS}
   * for its parts: its job must be released before the shutdown stops waiting.
   */
  Future<Void> cleanUp() {
    CsvUploadSink<Row> s = sink;
    long settleMs = handedBack ? Math.min(config.exportPartsSettleMillis(), config.exportHandBackMillis() / 2)
      : config.exportPartsSettleMillis();
    Future<Void> settled = s == null ? Future.succeededFuture()
      : s.idle().timeout(settleMs, TimeUnit.MILLISECONDS).recover(e -> {
        LOG.warn("export {}: a part upload was still under way after {} ms; aborting the upload anyway", job.id(),
          settleMs);
        return Future.succeededFuture();
      });
    String id = uploadId;
    if (id == null) {
      return settled;
    }
    return settled.compose(v -> storage.abortMultipartUpload(key, id))
      .compose(v -> completeSent && !mayBeTheJobsFile ? deleteObject() : Future.succeededFuture())
      .compose(v -> jobs.clearUpload(job.id(), id))
      .recover(e -> {
        LOG.warn("export {} attempt {} could not clean up its upload (the next attempt or the janitor will): {}",
          job.id(), job.attempt(), e.getMessage());
        return Future.succeededFuture();
      });
  }

  /**
   * The commit completing the job failed without proof that it did not happen (no answer from Postgres): the job may
   * be completed with this attempt's object, so {@link #cleanUp} keeps it. If the job was not completed, the
   * janitor's sweep deletes the object once no job references it.
   */
  void keepObject() {
    mayBeTheJobsFile = true;
  }

  private Future<Void> deleteObject() {
    return storage.deleteObject(key).onSuccess(v ->
      LOG.info("export {} attempt {} deleted the object it may have completed ({})", job.id(), job.attempt(), key));
  }

  /** A rescued job may have left a multipart upload behind: abort it before starting afresh. */
  Future<Void> abortPrevious() {
    if (job.uploadId() == null || job.objectKey() == null) {
      return Future.succeededFuture();
    }
    return storage.abortMultipartUpload(job.objectKey(), job.uploadId())
      .compose(v -> jobs.clearUpload(job.id(), job.uploadId()))
      .onSuccess(v -> LOG.info("export {} aborted the upload of a previous attempt", job.id()));
  }

  private Future<Void> checkCap(LinkQuery query) {
    LinkQuery.Sql count = query.render(SqlStatements.get("links_count"));
    phase = "counting";
    return watchdog.watched(() -> conn.preparedQuery(count.text()).execute(count.params())).compose(rows -> {
      expectedRows = rows.iterator().next().getLong(0);
      counted = System.nanoTime();
      return expectedRows > config.exportMaxRows()
        ? Future.failedFuture(ExportFailure.tooManyRows(expectedRows, config.exportMaxRows()))
        : Future.succeededFuture();
    });
  }

  private Future<Void> startUpload() {
    String disposition = "attachment; filename=\"" + job.filename() + "\"";
    phase = "creating the upload";
    return storage.createMultipartUpload(key, "text/csv; charset=utf-8", disposition)
      .compose(id -> {
        uploadId = id;
        uploadCreated = System.nanoTime();
        return jobs.recordUpload(job, id, key, readSource);
      })
      .compose(recorded -> recorded ? Future.succeededFuture()
        : Future.failedFuture(new CsvUploadSink.StoppedException("the export was cancelled")));
  }

  private Future<AttemptResult> stream(LinkQuery query) {
    Buffer header = Buffer.buffer();
    ExportRows.header(header);
    CsvUploadSink<Row> s = new CsvUploadSink<>(new Parts(), ExportRows::encode, header, config.exportPartSizeBytes(),
      config.exportPartsInFlight());
    sink = s;
    if (stopReason != null) {
      s.stop(stopReason);
    }
    LinkQuery.Sql sql = query.renderOrdered(SqlStatements.get("links_export"));
    phase = "declaring the cursor";
    return watchdog.watched(() -> DeclaredCursor.declare(conn, sql, config.exportFetchSize())).compose(cursor -> {
      CursorPump p = new CursorPump(job, cursor, s, watchdog, expectedRows, config.exportSlowBatchMillis());
      pump = p;
      return p.run().compose(v -> s.end()).eventually(() -> bounded(cursor.close()));
    }).map(v -> result());
  }

  private AttemptResult result() {
    long now = System.nanoTime();
    CursorPump p = pump;
    return new AttemptResult(sink.rows(), sink.bytes(), (counted - started) / 1_000_000,
      (uploadCreated - counted) / 1_000_000, (now - uploadCreated) / 1_000_000, p.readMillis(), p.encodeMillis(),
      p.batches());
  }

  /** Closing after a failure must not hang the attempt on a connection that is stuck. */
  private <T> Future<Void> bounded(Future<T> closing) {
    return closing.timeout(config.exportCloseTimeoutMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty().otherwiseEmpty();
  }

  /** The sink's parts go to this attempt's multipart upload. */
  private final class Parts implements CsvUploadSink.Parts {
    @Override
    public Future<String> upload(int partNumber, Buffer body) {
      return storage.uploadPart(key, uploadId, partNumber, body);
    }

    @Override
    public Future<Void> complete(List<PartEtag> parts) {
      completeSent = true;
      return storage.completeMultipartUpload(key, uploadId, parts);
    }
  }
}
