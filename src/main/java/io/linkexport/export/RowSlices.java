package io.linkexport.export;

import io.vertx.core.Future;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

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
 * <p>Every file is checked before it is completed ({@link CursorPump} compares its rows with its count): a file but
 * the last takes rows of its own file number only (the statement selects it as the last column), so a file the
 * cursor holds fewer rows of than counted ends short at the next file's first row, and one it holds more of leaves
 * its extra rows to the next file, which then starts with a row not its own and ends short. The last file reads
 * until the cursor ends, so a row no count saw makes it long, and a row of another file fails it (its rows could
 * otherwise add up to its count). Parts of one day share their file number and are cut by their counts. Without a
 * file number (one file) only the count is checked.
 */
final class RowSlices<T> {

  /** Rows in order; {@code last} when no more follow (for a slice: when the slice is full or the cursor ended). */
  record Batch<T>(List<T> rows, boolean last) {
  }

  private final Supplier<Future<Batch<T>>> source;
  /** A row's file number, or null when the export is one file. */
  private final ToIntFunction<T> fileOf;
  /** Rows read from the cursor that no file took yet. */
  private List<T> pending = List.of();
  private boolean ended;
  private Slice open;

  RowSlices(Supplier<Future<Batch<T>>> source, ToIntFunction<T> fileOf) {
    this.source = source;
    this.fileOf = fileOf;
  }

  /** The next file's rows: at most {@code rows} of file number {@code file}; the previous slice must be done. */
  Slice next(long rows, int file) {
    return open(rows, false, file);
  }

  /** The last file's rows, of file number {@code file}: every row the cursor still has. */
  Slice rest(int file) {
    return open(Long.MAX_VALUE, true, file);
  }

  private Slice open(long rows, boolean rest, int file) {
    if (open != null && !open.done) {
      throw new IllegalStateException("the previous file has not taken all of its rows");
    }
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative: " + rows);
    }
    open = new Slice(rows, rest, file);
    return open;
  }

  /** One file's rows. */
  final class Slice {
    private long remaining;
    private final boolean rest;
    private final int file;
    private boolean done;

    private Slice(long remaining, boolean rest, int file) {
      this.remaining = remaining;
      this.rest = rest;
      this.file = file;
    }

    /** The next batch of this file's rows; the one after {@code last} must not be asked for. */
    Future<Batch<T>> read() {
      if (done) {
        return Future.failedFuture(new IllegalStateException("the file has all of its rows"));
      }
      if (!pending.isEmpty() || ended || remaining == 0) {
        try {
          return Future.succeededFuture(take());
        } catch (ExportFailure e) {
          return Future.failedFuture(e);
        }
      }
      return source.get().map(b -> {
        ended = b.last();
        pending = b.rows();
        return take();
      });
    }

    /** The next rows of this file; a row of another file ends a file but the last, and fails the last. */
    private Batch<T> take() {
      int max = (int) Math.min(pending.size(), remaining);
      int n = 0;
      while (n < max && (fileOf == null || fileOf.applyAsInt(pending.get(n)) == file)) {
        n++;
      }
      if (rest && n < max) {
        throw new ExportFailure("ROW_COUNT_MISMATCH", "the export read a link in another file than it counted it in",
          false);
      }
      boolean foreign = n < max; // the next file's row (or a later one) before this file's count was reached
      List<T> rows = pending.subList(0, n);
      pending = pending.subList(n, pending.size());
      remaining -= n;
      done = foreign || (!rest && remaining == 0) || (pending.isEmpty() && ended);
      return new Batch<>(rows, done);
    }
  }
}
