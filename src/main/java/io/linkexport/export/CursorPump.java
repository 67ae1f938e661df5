package io.linkexport.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves one file's rows of the export's {@link DeclaredCursor} ({@link RowSlices}) into a {@link UploadSink}: read a
 * batch, hand every row to the sink, wait while its part uploads are full, read the next batch (the cursor reads one
 * ahead meanwhile). Every row of a
 * batch reaches the sink before the next batch is handed out, and every database wait is one
 * {@link StallWatchdog#watched} call, so the watchdog can stop the loop wherever it waits. Between batches the loop
 * yields to the node's list pages ({@link ExportPacing}). At the end the number of
 * rows must equal the cap check's count of the same snapshot: any difference is a lost or repeated row, and the file
 * is not completed.
 */
final class CursorPump<T> {

  private static final Logger LOG = LoggerFactory.getLogger(CursorPump.class);

  private final Job job;
  private final RowSlices<T>.Slice rows;
  private final UploadSink<T> sink;
  private final StallWatchdog watchdog;
  private final ExportPacing pacing;
  private final long expectedRows;
  private final long slowBatchMs;
  private final Promise<Void> pumped = Promise.promise();
  private volatile String phase = "starting";
  private volatile long batches;
  private volatile int lastBatch;
  private long readNanos;
  private long encodeNanos;
  private long pausedNanos;

  CursorPump(Job job, RowSlices<T>.Slice rows, UploadSink<T> sink, StallWatchdog watchdog, ExportPacing pacing,
             long expectedRows, long slowBatchMs) {
    this.job = job;
    this.rows = rows;
    this.sink = sink;
    this.watchdog = watchdog;
    this.pacing = pacing;
    this.expectedRows = expectedRows;
    this.slowBatchMs = slowBatchMs;
  }

  /** Completes once every row is in the sink (not yet uploaded: {@link UploadSink#end()} does that). */
  Future<Void> run() {
    watchdog.watchLoop(pumped);
    readNext();
    return pumped.future();
  }

  private void readNext() {
    if (pumped.future().isComplete()) {
      return;
    }
    phase = "reading batch " + (batches + 1);
    long asked = System.nanoTime();
    watchdog.watched(rows::read).onComplete(ar -> {
      if (ar.failed()) {
        pumped.tryFail(ar.cause());
      } else {
        encode(ar.result(), asked);
      }
    });
  }

  private void encode(RowSlices.Batch<T> batch, long asked) {
    batches++;
    lastBatch = batch.rows().size();
    long arrived = System.nanoTime();
    readNanos += arrived - asked;
    long ms = (arrived - asked) / 1_000_000;
    if (ms >= slowBatchMs) {
      LOG.warn("export {} attempt {}: batch {} ({} rows) took {} ms to read; {} rows so far", job.id(),
        job.attempt(), batches, lastBatch, ms, sink.rows() + lastBatch);
    }
    phase = "encoding batch " + batches;
    for (T row : batch.rows()) {
      Future<Void> written = sink.write(row);
      if (written.failed()) {
        pumped.tryFail(written.cause());
        return;
      }
    }
    encodeNanos += System.nanoTime() - arrived;
    if (batch.last()) {
      finish();
      return;
    }
    // the batch's read and encoding, which the wait for list pages is measured against; not the wait for a part
    // upload (S3's time, which on a real S3 is not on these cores or the database's)
    long worked = System.nanoTime() - asked;
    phase = "waiting for a part upload after batch " + batches;
    sink.whenWritable().compose(v -> yieldTurn(worked)).onComplete(w -> {
      if (w.succeeded()) {
        readNext();
      } else {
        pumped.tryFail(w.cause());
      }
    });
  }

  /** Waits while the node serves list pages ({@link ExportPacing}); a stop during the wait fails it: no FETCH after. */
  private Future<Void> yieldTurn(long worked) {
    Future<Void> turn = pacing.after(worked);
    if (turn.isComplete()) {
      return turn;
    }
    phase = "yielding to list pages after batch " + batches;
    long from = System.nanoTime();
    return turn.compose(t -> {
      pausedNanos += System.nanoTime() - from;
      return sink.whenWritable();
    });
  }

  private void finish() {
    phase = "completing the upload";
    if (sink.rows() != expectedRows) {
      LOG.error("export {} attempt {}: the cursor gave {} rows but the count was {}; not completing the file",
        job.id(), job.attempt(), sink.rows(), expectedRows);
      pumped.tryFail(new ExportFailure("ROW_COUNT_MISMATCH", "the export read a different number of links than it"
        + " counted", false));
      return;
    }
    pumped.tryComplete();
  }

  /** What the loop is doing, for the stall log. */
  String describe() {
    return phase + " (" + batches + " batches read, last " + lastBatch + " rows)";
  }

  long batches() {
    return batches;
  }

  long readMillis() {
    return readNanos / 1_000_000;
  }

  long encodeMillis() {
    return encodeNanos / 1_000_000;
  }

  /** Time spent yielding to list pages ({@link ExportPacing}). */
  long pausedMillis() {
    return pausedNanos / 1_000_000;
  }
}
