package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkQuery;
import io.linkexport.storage.S3Storage;
import io.linkexport.storage.StorageException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one attempt of one export: count and stream the links from one consistent snapshot (a read-only
 * repeatable-read transaction), encode them as CSV and upload them as a multipart S3 object, then record the result
 * with a fenced update. On failure the upload is aborted and the job is retried with backoff or failed for good.
 */
public final class ExportRunner {

  private static final Logger LOG = LoggerFactory.getLogger(ExportRunner.class);
  /** Closing the cursor after a failure must not hang the attempt on a connection that is stuck. */
  private static final long CLOSE_TIMEOUT_SECONDS = 10;
  /** How long a failed attempt waits for its other part uploads to end before it aborts the multipart upload. */
  private static final long PARTS_SETTLE_SECONDS = 60;
  /** A batch read slower than this is logged: an export that crawls without stalling shows up in the log. */
  private static final long SLOW_BATCH_MS = 5_000;

  private final Vertx vertx;
  private final Pool pool;
  private final JobStore jobs;
  private final S3Storage storage;
  private final AppConfig config;
  private final String workerId;

  /** The attempt this runner is working on (a runner runs one at a time), for {@link #handBackRunning}. */
  private volatile Attempt running;

  public ExportRunner(Vertx vertx, Pool pool, S3Storage storage, AppConfig config, String workerId) {
    this.vertx = vertx;
    this.pool = pool;
    this.jobs = new JobStore(pool);
    this.storage = storage;
    this.config = config;
    this.workerId = workerId;
  }

  /** Runs the claimed job to its next state; never fails (every outcome is written to the job table). */
  public Future<Void> run(Job job) {
    long started = System.nanoTime();
    LOG.info("export {} attempt {} started (project {})", job.id(), job.attempt(), job.projectId());
    publish(job.event());
    Attempt attempt = new Attempt(job);
    running = attempt;
    long heartbeat = vertx.setPeriodic(heartbeatMs(), id -> attempt.heartbeat());
    return abortPrevious(job)
      .compose(v -> job.attempt() > job.maxAttempts()
        ? Future.failedFuture(new ExportFailure("ATTEMPTS_EXHAUSTED", "The export could not be completed after "
          + job.maxAttempts() + " attempts. Please try again later.", true))
        : attempt.export())
      .compose(bytes -> finishCompleted(attempt, bytes, started))
      .recover(err -> handleFailure(attempt, err))
      .compose(v -> attempt.handedBack ? handBack(attempt) : Future.succeededFuture())
      .eventually(() -> {
        vertx.cancelTimer(heartbeat);
        running = null;
        return Future.succeededFuture();
      });
  }

  /**
   * Stops the running attempt, if any, so its job can be handed back (node shutting down): the stream stops, the
   * upload is aborted, then the lease is released and another node's worker claims the job at once. An attempt that
   * is already completing finishes normally. The future of {@link #run} completes when this is done.
   */
  public void handBackRunning() {
    Attempt a = running;
    if (a == null) {
      return;
    }
    a.lost = true;
    a.handedBack = true;
    if (a.sink != null) {
      a.sink.stop("the node is shutting down; another node takes the export over");
    }
  }

  private Future<Void> handBack(Attempt a) {
    return jobs.release(a.job, workerId).map(released -> {
      if (released) {
        LOG.info("export {} attempt {} handed back (node shutting down)", a.job.id(), a.job.attempt());
        vertx.eventBus().publish(Addresses.EXPORT_WAKEUP, new JsonObject());
      }
      return null;
    });
  }

  private int heartbeatMs() {
    return Math.max(500, Math.min(2_000, config.exportLeaseSeconds() * 1000 / 3));
  }

  /** A rescued job may have left a multipart upload behind: abort it before starting afresh. */
  private Future<Void> abortPrevious(Job job) {
    if (job.uploadId() == null || job.objectKey() == null) {
      return Future.succeededFuture();
    }
    return storage.abortMultipartUpload(job.objectKey(), job.uploadId())
      .compose(v -> jobs.clearUpload(job.id(), job.uploadId()))
      .onSuccess(v -> LOG.info("export {} aborted the upload of a previous attempt", job.id()));
  }

  /** One attempt's state: the sink, the upload, the fence. */
  private final class Attempt {
    final Job job;
    final String key;
    CsvUploadSink<Row> sink;
    String uploadId;
    boolean lost;
    boolean handedBack;
    /** Milestones (System.nanoTime) for the completion log: counted, upload created, rows streamed. */
    long counted;
    long uploadCreated;
    long streamed;
    /** Completed when the cursor is exhausted, failed by a read or the sink. */
    Promise<Void> pumped;
    /** The database call under way and when it started (System.nanoTime()), for the stall watchdog. */
    volatile Promise<?> waiting;
    /** The attempt's connection (its snapshot transaction), to cancel a stalled statement. */
    volatile SqlConnection conn;
    /** Progress bookkeeping of the stall watchdog (heartbeat only) and what the loop is doing, for its log. */
    long progressMarker;
    long progressAt;
    volatile long reads;
    /** Time spent waiting for batches and encoding them (System.nanoTime sums), for the completion log. */
    long readNanos;
    long encodeNanos;
    volatile int lastBatch;
    /** The cap check's count: the rows the cursor must deliver, from the same snapshot. */
    long expectedRows = -1;
    volatile String phase = "starting";

    Attempt(Job job) {
      this.job = job;
      this.key = Job.objectKey(job.projectId(), job.id(), job.attempt());
    }

    void heartbeat() {
      checkStall();
      long rows = sink == null ? 0 : sink.rows();
      jobs.heartbeat(job, workerId, config.exportLeaseSeconds(), rows).onComplete(ar -> {
        if (ar.succeeded() && !ar.result()) {
          lost = true;
          if (sink != null) {
            sink.stop("the export was cancelled or taken over by another worker");
          }
        } else if (ar.succeeded()) {
          publish(job.event().put("rowsWritten", rows));
        }
      });
    }

    /** Streams the CSV into S3; completes with the object's size. */
    Future<Long> export() {
      LinkFilter filter = LinkFilter.fromJson(job.filters());
      LinkQuery query = LinkQuery.of(job.projectId(), filter);
      return pool.getConnection().compose(conn -> {
        this.conn = conn;
        return conn.begin()
          .compose(tx -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
            .compose(v -> checkCap(conn, query))
            .compose(v -> {
              counted = System.nanoTime();
              return startUpload();
            })
            .compose(v -> {
              uploadCreated = System.nanoTime();
              return stream(conn, query).onSuccess(b -> streamed = System.nanoTime());
            })
            .eventually(() -> tx.rollback().timeout(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS).otherwiseEmpty()))
          .eventually(() -> conn.close().timeout(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS).otherwiseEmpty());
      });
    }

    private Future<Void> checkCap(SqlConnection conn, LinkQuery query) {
      LinkQuery.Sql count = query.render(SqlStatements.get("links_count"));
      phase = "counting";
      return watched(() -> conn.preparedQuery(count.text()).execute(count.params())).compose(rows -> {
        long n = rows.iterator().next().getLong(0);
        expectedRows = n;
        return n > config.exportMaxRows()
          ? Future.failedFuture(ExportFailure.tooManyRows(n, config.exportMaxRows()))
          : Future.succeededFuture();
      });
    }

    private Future<Void> startUpload() {
      String disposition = "attachment; filename=\"" + job.filename() + "\"";
      return storage.createMultipartUpload(key, "text/csv; charset=utf-8", disposition)
        .compose(id -> {
          uploadId = id;
          return jobs.recordUpload(job, id, key);
        })
        .compose(recorded -> recorded ? Future.succeededFuture()
          : Future.failedFuture(new CsvUploadSink.StoppedException("the export was cancelled")));
    }

    /**
     * The cursor loop ({@link DeclaredCursor} says why the cursor is declared in SQL): read a batch, hand every row
     * to the sink, wait while the sink's part uploads are full, read the next batch. An explicit loop rather than
     * {@code RowStream.pipe()}: every database wait is one {@link #watched} future and the loop says what it is doing,
     * so the stall watchdog can stop it and log where. (An export that once crawled for minutes in CI was not the pipe
     * but a quadratic plan on stale statistics; see {@code sql/links_export.sql}. Slow batches are logged now.) Every
     * row of a batch goes to the sink before the next read is issued (with Vert.x pg's protocol-level cursor, asking
     * for the next batch first handed out rows out of order and short: {@code CursorReadOrderIT}).
     */
    private void readNext(DeclaredCursor cursor) {
      if (pumped.future().isComplete()) {
        return;
      }
      phase = "reading batch " + (reads + 1);
      long asked = System.nanoTime();
      watched(cursor::read).onComplete(ar -> {
        if (ar.failed()) {
          pumped.tryFail(ar.cause());
          return;
        }
        reads++;
        DeclaredCursor.Batch batch = ar.result();
        lastBatch = batch.rows().size();
        long arrived = System.nanoTime();
        readNanos += arrived - asked;
        long ms = (arrived - asked) / 1_000_000;
        if (ms >= SLOW_BATCH_MS) {
          LOG.warn("export {} attempt {}: batch {} ({} rows) took {} ms to read; {} rows so far", job.id(),
            job.attempt(), reads, lastBatch, ms, sink.rows() + lastBatch);
        }
        phase = "encoding batch " + reads;
        for (Row row : batch.rows()) {
          Future<Void> written = sink.write(row);
          if (written.failed()) {
            pumped.tryFail(written.cause());
            return;
          }
        }
        encodeNanos += System.nanoTime() - arrived;
        if (batch.last()) {
          phase = "completing the upload";
          if (sink.rows() != expectedRows) {
            // The count and the cursor read one REPEATABLE READ snapshot: any difference is a lost or repeated row.
            LOG.error("export {} attempt {}: the cursor gave {} rows but the count was {}; not completing the file",
              job.id(), job.attempt(), sink.rows(), expectedRows);
            pumped.tryFail(new ExportFailure("ROW_COUNT_MISMATCH", "the export read a different number of links than"
              + " it counted", false));
            return;
          }
          pumped.tryComplete();
          return;
        }
        phase = "waiting for a part upload after batch " + reads;
        sink.whenWritable().onComplete(w -> {
          if (w.succeeded()) {
            readNext(cursor);
          } else {
            pumped.tryFail(w.cause());
          }
        });
      });
    }

    /** A database call the stall watchdog ({@link #checkStall}) can fail; a late answer is then dropped. */
    private <T> Future<T> watched(Supplier<Future<T>> call) {
      Promise<T> result = Promise.promise();
      waiting = result;
      call.get().onComplete(ar -> {
        if (waiting == result) {
          waiting = null;
        }
        if (ar.succeeded()) {
          result.tryComplete(ar.result());
        } else {
          result.tryFail(ar.cause());
        }
      });
      return result.future();
    }

    /**
     * The stall watchdog, run with every heartbeat (which keeps the lease alive, so nothing else would notice): while
     * the attempt is reading from the database, no progress (no row encoded, no part handed to S3)
     * for {@code EXPORT_STALL_SECONDS} stops the attempt as transient, so the job is retried. A database call under
     * way is failed and its statement cancelled on the server; the cursor loop is failed wherever it waits. Part
     * uploads under way are left to the S3 client's own timeouts.
     */
    private void checkStall() {
      long now = System.nanoTime();
      long marker = sink == null ? 0 : sink.rows() + sink.bytes();
      if (marker != progressMarker || progressAt == 0) {
        progressMarker = marker;
        progressAt = now;
        return;
      }
      Promise<?> w = waiting;
      Promise<Void> loop = pumped;
      boolean reading = w != null || (loop != null && !loop.future().isComplete());
      if (!reading || (sink != null && sink.partsInFlight() > 0)) {
        progressAt = now;
        return;
      }
      long seconds = (now - progressAt) / 1_000_000_000L;
      if (seconds < config.exportStallSeconds()) {
        return;
      }
      LOG.warn("export {} attempt {} stalled: no progress for {} s while {} ({} batches read, last {} rows; {} rows,"
          + " {} bytes, {} parts uploading, database call under way: {}); stopping the attempt", job.id(),
        job.attempt(), seconds, phase, reads, lastBatch, sink == null ? 0 : sink.rows(), sink == null ? 0 : sink.bytes(),
        sink == null ? 0 : sink.partsInFlight(), w != null);
      ExportFailure stalled = new ExportFailure("STALLED", "reading the links stalled", false);
      if (w != null && w.tryFail(stalled) && conn != null) {
        // Cancel the statement on the server so the connection answers again (and can be rolled back and reused).
        PgConnection.cast(conn).cancelRequest().onFailure(e ->
          LOG.warn("export {} could not cancel its stalled statement: {}", job.id(), e.getMessage()));
      }
      if (loop != null) {
        loop.tryFail(stalled);
      }
    }

    private Future<Long> stream(SqlConnection conn, LinkQuery query) {
      LinkQuery.Sql sql = query.renderOrdered(SqlStatements.get("links_export"));
      CsvUploadSink.Parts parts = new CsvUploadSink.Parts() {
        @Override
        public Future<String> upload(int partNumber, Buffer body) {
          return storage.uploadPart(key, uploadId, partNumber, body);
        }

        @Override
        public Future<Void> complete(java.util.List<CsvUploadSink.PartRef> refs) {
          return storage.completeMultipartUpload(key, uploadId, refs.stream()
            .map(p -> new io.linkexport.storage.PartEtag(p.number(), p.etag())).toList());
        }
      };
      Buffer header = Buffer.buffer();
      ExportRows.header(header);
      sink = new CsvUploadSink<>(parts, ExportRows::encode, header, config.exportPartSizeBytes(),
        config.exportPartsInFlight());
      if (lost) {
        sink.stop("the export was cancelled");
      }
      phase = "declaring the cursor";
      pumped = Promise.promise();
      return watched(() -> DeclaredCursor.declare(conn, sql, config.exportFetchSize())).compose(cursor -> {
        readNext(cursor);
        return pumped.future()
          .compose(v -> sink.end())
          .eventually(() -> cursor.close().timeout(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS).otherwiseEmpty());
      }).map(v -> sink.bytes());
    }
  }

  private Future<Void> finishCompleted(Attempt a, long bytes, long startedNanos) {
    long rows = a.sink.rows();
    return jobs.complete(a.job, rows, bytes, new JsonObject()).compose(done -> {
      long ms = (System.nanoTime() - startedNanos) / 1_000_000;
      if (done == null) {
        // Cancelled (or rescued) after the object was completed: this attempt's object must not linger.
        LOG.info("export {} attempt {} finished but no longer owns the job; deleting its object", a.job.id(),
          a.job.attempt());
        return storage.deleteObject(a.key).otherwiseEmpty();
      }
      long now = System.nanoTime();
      LOG.info("export {} completed: project {}, {} rows, {} bytes, {} ms ({} rows/s; count {} ms, create upload {} ms,"
          + " stream {} ms (reading {} ms, encoding {} ms, {} batches; the rest waits for part uploads), record {} ms)",
        done.id(), done.projectId(),
        rows, bytes, ms, ms == 0 ? rows : rows * 1000 / ms, (a.counted - startedNanos) / 1_000_000,
        (a.uploadCreated - a.counted) / 1_000_000, (a.streamed - a.uploadCreated) / 1_000_000,
        a.readNanos / 1_000_000, a.encodeNanos / 1_000_000, a.reads,
        (now - a.streamed) / 1_000_000);
      publish(done.event());
      vertx.eventBus().publish(Addresses.MAIL_WAKEUP, new JsonObject());
      return Future.succeededFuture();
    });
  }

  private Future<Void> handleFailure(Attempt a, Throwable err) {
    // With two parts in flight, one failing leaves the other under way: let it end first (CsvUploadSink.idle).
    Future<Void> settled = a.sink == null ? Future.succeededFuture()
      : a.sink.idle().timeout(PARTS_SETTLE_SECONDS, TimeUnit.SECONDS).recover(e -> {
        LOG.warn("export {}: a part upload was still under way after {} s; aborting the upload anyway", a.job.id(),
          PARTS_SETTLE_SECONDS);
        return Future.succeededFuture();
      });
    Future<Void> abort = a.uploadId == null ? Future.succeededFuture()
      : settled.compose(s -> storage.abortMultipartUpload(a.key, a.uploadId))
        .compose(v -> jobs.clearUpload(a.job.id(), a.uploadId))
        .recover(e -> {
          LOG.warn("export {} could not abort its upload (the next attempt will): {}", a.job.id(), e.getMessage());
          return Future.succeededFuture();
        });
    return abort.compose(v -> decide(a, err)).recover(e -> {
      LOG.error("export {} attempt {} could not record its failure; the lease will expire and it will be retried",
        a.job.id(), a.job.attempt(), e);
      return Future.succeededFuture();
    });
  }

  private Future<Void> decide(Attempt a, Throwable err) {
    Job job = a.job;
    if (a.lost || causedBy(err, CsvUploadSink.StoppedException.class)) {
      LOG.info("export {} attempt {} stopped: {}", job.id(), job.attempt(), err.getMessage());
      return Future.succeededFuture();
    }
    ExportFailure failure = classify(err);
    if (failure.permanent() || job.attempt() >= job.maxAttempts()) {
      String message = failure.permanent() ? failure.getMessage()
        : "The export could not be completed after " + job.attempt() + " attempts (" + failure.getMessage()
          + "). Please try again later.";
      return jobs.fail(job, failure.code(), message, null, new JsonObject()).map(failed -> {
        if (failed != null) {
          LOG.warn("export {} failed (project {}): {} ({})", job.id(), job.projectId(), failure.code(), message);
          publish(failed.event());
          vertx.eventBus().publish(Addresses.MAIL_WAKEUP, new JsonObject());
        }
        return null;
      });
    }
    double delay = backoffSeconds(job.attempt());
    LOG.warn("export {} attempt {} failed ({}), retrying in {} s: {}", job.id(), job.attempt(), failure.code(),
      String.format("%.1f", delay), err.toString());
    return jobs.retryLater(job, failure.code(), delay).mapEmpty();
  }

  /** Transient unless we know better: a storage hiccup or a database restart deserve another attempt. */
  static ExportFailure classify(Throwable err) {
    if (err instanceof ExportFailure f) {
      return f;
    }
    if (err instanceof StorageException se) {
      return new ExportFailure("STORAGE_ERROR", "file storage is unavailable", !se.retryable());
    }
    if (err.getCause() != null && err.getCause() != err) {
      // the pipe wraps the sink's failure
      ExportFailure inner = classify(err.getCause());
      if (!"TRANSIENT_ERROR".equals(inner.code())) {
        return inner;
      }
    }
    return new ExportFailure("TRANSIENT_ERROR", "a temporary error interrupted it", false);
  }

  static boolean causedBy(Throwable err, Class<? extends Throwable> type) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  double backoffSeconds(int attempt) {
    double base = config.exportRetryBaseMillis() / 1000.0 * Math.pow(2, Math.max(0, attempt - 1));
    return Math.min(300, base) * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble());
  }

  private void publish(JsonObject event) {
    vertx.eventBus().publish(Addresses.EXPORT_EVENTS, event);
  }
}
