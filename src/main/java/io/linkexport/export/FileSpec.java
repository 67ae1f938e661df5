package io.linkexport.export;

import java.time.Instant;

/**
 * One file of an export: the links created in {@code [from, to)} (null: unbounded, the whole export) that match its
 * filters, in the export's order, and, for a part of a single day over the ceiling, only the {@code limit} rows after
 * the first {@code offset} of that day; {@code rows} is how many the snapshot holds for it: the file takes exactly
 * that many rows of the export's one cursor ({@link RowSlices}).
 */
public record FileSpec(Instant from, Instant to, long rows, long offset, Long limit) {

  /** The whole export in one file. */
  static FileSpec whole(long rows) {
    return new FileSpec(null, null, rows, 0, null);
  }

  /** Whether the file is a fixed-size part of one day (cut in the export's order, not by date). */
  boolean part() {
    return limit != null;
  }
}
