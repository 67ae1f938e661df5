package io.linkexport.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Stops an export attempt that reads from the database without progress. The heartbeat keeps the job's lease alive,
 * so nothing else would notice a read that never answers (a lock, a wedged connection). Every database call of the
 * attempt goes through {@link #watched}; the cursor loop registers with {@link #watchLoop}; each heartbeat calls
 * {@link #check} with the attempt's progress (rows encoded plus bytes handed to S3). When that has not moved for the
 * stall time while a read is under way, and no part upload is (those have the S3 client's own timeouts), the watched
 * call and the loop are failed with {@link #STALLED}, and {@link #check} says whether a call was under way, so that
 * the caller cancels its statement on the server. A late answer of the failed call is dropped.
 *
 * <p>Runs on the attempt's context; the clock ({@code System::nanoTime} in production) is injectable for tests.
 */
final class StallWatchdog {

  static final ExportFailure STALLED = new ExportFailure("STALLED", "reading the links stalled", false);

  /** What a check did. */
  enum Verdict {
    /** Progress, or nothing to watch. */
    FINE,
    /** Stopped the cursor loop; no database call was under way. */
    STOPPED,
    /** Stopped the attempt and failed the database call under way: cancel its statement. */
    STOPPED_IN_CALL
  }

  private final long stallNanos;
  private final LongSupplier clock;
  private volatile Promise<?> waiting;
  private volatile Promise<Void> loop;
  private long marker = -1;
  private long since;

  StallWatchdog(long stallNanos, LongSupplier clock) {
    this.stallNanos = stallNanos;
    this.clock = clock;
  }

  /** A database call the watchdog may fail; its late answer is then dropped. */
  <T> Future<T> watched(Supplier<Future<T>> call) {
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

  /** The cursor loop's completion, failed too when the watchdog fires. */
  void watchLoop(Promise<Void> pumped) {
    this.loop = pumped;
  }

  /** True while a database call or the cursor loop is under way. */
  boolean reading() {
    Promise<Void> l = loop;
    return waiting != null || (l != null && !l.future().isComplete());
  }

  /**
   * One heartbeat's look at the attempt: {@code progress} is any number that grows with it, {@code uploading} whether
   * a part upload is under way.
   */
  Verdict check(long progress, boolean uploading) {
    long now = clock.getAsLong();
    if (progress != marker || !reading() || uploading) {
      marker = progress;
      since = now;
      return Verdict.FINE;
    }
    if (now - since < stallNanos) {
      return Verdict.FINE;
    }
    Promise<?> w = waiting;
    boolean inCall = w != null && w.tryFail(STALLED);
    Promise<Void> l = loop;
    if (l != null) {
      l.tryFail(STALLED);
    }
    return inCall ? Verdict.STOPPED_IN_CALL : Verdict.STOPPED;
  }

  /** Seconds without progress so far, for the log. */
  long stalledSeconds() {
    return (clock.getAsLong() - since) / 1_000_000_000L;
  }
}
