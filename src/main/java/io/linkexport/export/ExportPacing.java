package io.linkexport.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongFunction;

/**
 * Exports yield to list pages. An export is background work that the user waits for by email; a list page is what a
 * user looks at. On the bench's two cores, two exports in a loop took a third of the clicks-sorted list page's
 * throughput and put its p99 at 2.0-2.1x its value alone; yielding (10%) put it at 1.2-1.8x (docs/benchmarks.md,
 * "Exports yield to list pages").
 *
 * <p>While this node runs list, count or picker queries ({@code foreground}: the query gate's count), the loop of
 * each export works at most {@code percent} of the time: after each batch it waits {@code (100 - percent) / percent}
 * times as long as the batch's read and encoding took, at most {@link #MAX_PAUSE_MS}. A wait for a part upload is
 * not counted: on a real S3 that time is not spent on these cores or the database's. Neither is the FETCH the cursor
 * reads ahead during a wait: a batch Postgres made then arrives at once and counts little, so the share is an upper
 * bound on the loop's time, not on Postgres' (pacing it would need the read-ahead's own time from the cursor).
 * A batch is 1,000 rows, about 10 ms, so the export's share is spread finely under every page rather than in bursts.
 * With no list query running it never waits. {@code EXPORT_BUSY_PERCENT} 100 turns this off.
 *
 * <p>Only this node's list queries count: nodes do not tell each other their load, so exports on a node that serves
 * no list pages do not yield (they still share the database's cores with the pages other nodes serve).
 */
public final class ExportPacing {

  /** The longest wait after one batch, a cap on a slow batch's wait (and at most a quarter of the stall time). */
  static final long MAX_PAUSE_MS = 1_000;

  private final IntSupplier foreground;
  private final int percent;
  private final long maxPauseMs;
  private final LongFunction<Future<Void>> sleep;

  /**
   * @param foreground list, count and picker queries running on this node now
   * @param percent share of the time an export works while {@code foreground} is above 0 (1-100)
   * @param stallSeconds the stall watchdog's time ({@code EXPORT_STALL_SECONDS}): a wait is at most a quarter of it,
   *                     so a wait and the read after it never look like a stall
   */
  public ExportPacing(Vertx vertx, IntSupplier foreground, int percent, int stallSeconds) {
    this(foreground, percent, Math.min(MAX_PAUSE_MS, stallSeconds * 250L), ms -> {
      Promise<Void> slept = Promise.promise();
      vertx.setTimer(ms, id -> slept.complete());
      return slept.future();
    });
  }

  ExportPacing(IntSupplier foreground, int percent, long maxPauseMs, LongFunction<Future<Void>> sleep) {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("percent must be 1-100: " + percent);
    }
    this.foreground = foreground;
    this.percent = percent;
    this.maxPauseMs = maxPauseMs;
    this.sleep = sleep;
  }

  /**
   * Whether exports yield now: a list query runs on this node and yielding is on. An export that starts then is
   * planned for a fast start when that is cheap ({@link ReadPlan}): a plan for its total time does its whole scan,
   * join and sort before the first row, which no pause between batches can spread.
   */
  boolean yielding() {
    return percent < 100 && foreground.getAsInt() > 0;
  }

  /**
   * How long to wait after a batch that took {@code workedNanos}: 0 unless a list query runs on this node now, else
   * rounded up to whole milliseconds (a timer's unit), at most {@link #MAX_PAUSE_MS}.
   */
  long pauseMillis(long workedNanos) {
    if (workedNanos <= 0 || !yielding()) {
      return 0;
    }
    long nanos = Math.min(workedNanos, TimeUnit.MILLISECONDS.toNanos(MAX_PAUSE_MS)) * (100 - percent) / percent;
    return Math.min(maxPauseMs, (nanos + 999_999) / 1_000_000);
  }

  /** Completes when the next batch may be read. */
  Future<Void> after(long workedNanos) {
    long ms = pauseMillis(workedNanos);
    if (ms <= 0) {
      return Future.succeededFuture();
    }
    return sleep.apply(ms);
  }
}
