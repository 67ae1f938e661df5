package io.linkexport.export;

import io.vertx.core.Future;

import java.util.List;
import java.util.function.Supplier;

/**
 * The export's one cursor cut into its files: each file takes the next {@code rows} rows in the cursor's order, the
 * last file takes the rest. A batch that straddles two files is cut; its tail is the next file's first batch.
 *
 * <p>Why one cursor for every file: a split export's files are ranges of creation time, and its order is the list's
 * (say clicks). A cursor per file read the project's links and rollups once per file: creation time is not the
 * order the rows lie in on disk, so a month of links is spread over most of the table's pages, and ten files cost
 * about ten exports of the whole project (1.78x of ten 100,000-row exports in the 2026-12-06 bench). One statement
 * ordered by the file first ({@code LinkQuery#renderByCreation}) reads everything once.
 *
 * <p>The last file reads until the cursor ends, so a row the count did not see shows in that file's row count
 * ({@link CursorPump}'s check) before the file is completed; a cursor that ends early leaves a file short, which the
 * same check catches.
 */
final class RowSlices<T> {

  /** Rows in order; {@code last} when no more follow (for a slice: when the slice is full or the cursor ended). */
  record Batch<T>(List<T> rows, boolean last) {
  }

  private final Supplier<Future<Batch<T>>> source;
  /** Rows read from the cursor that no file took yet. */
  private List<T> pending = List.of();
  private boolean ended;
  private Slice open;

  RowSlices(Supplier<Future<Batch<T>>> source) {
    this.source = source;
  }

  /** The next file's rows: at most {@code rows}; the previous slice must be done. */
  Slice next(long rows) {
    return open(rows, false);
  }

  /** The last file's rows: every row the cursor still has. */
  Slice rest() {
    return open(Long.MAX_VALUE, true);
  }

  private Slice open(long rows, boolean rest) {
    if (open != null && !open.done) {
      throw new IllegalStateException("the previous file has not taken all of its rows");
    }
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
    open = new Slice(rows, rest);
    return open;
  }

  /** One file's rows. */
  final class Slice {
    private long remaining;
    private final boolean rest;
    private boolean done;

    private Slice(long remaining, boolean rest) {
      this.remaining = remaining;
      this.rest = rest;
    }

    /** The next batch of this file's rows; the one after {@code last} must not be asked for. */
    Future<Batch<T>> read() {
      if (done) {
        return Future.failedFuture(new IllegalStateException("the file has all of its rows"));
      }
      if (!pending.isEmpty() || ended || remaining == 0) {
        return Future.succeededFuture(take());
      }
      return source.get().map(b -> {
        ended = b.last();
        pending = b.rows();
        return take();
      });
    }

    private Batch<T> take() {
      int n = (int) Math.min(pending.size(), remaining);
      List<T> rows = pending.subList(0, n);
      pending = pending.subList(n, pending.size());
      remaining -= n;
      done = (!rest && remaining == 0) || (pending.isEmpty() && ended);
      return new Batch<>(rows, done);
    }
  }
}
