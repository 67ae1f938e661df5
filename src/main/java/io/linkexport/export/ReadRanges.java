package io.linkexport.export;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranges of a split export's parallel readers ({@link SnapshotReads}): consecutive groups of its files, cut where
 * one file's creation range ends and the next one's begins, of about equal rows. A split export is ordered by file
 * first, so each group is a creation-time range {@code [from, until)} of the links (null: open), which the reader's
 * statement filters on the links table itself whatever the sort; files that share a start (the fixed-size parts of
 * one day) stay in one group, as their rows are cut by the export's order, not by time.
 */
final class ReadRanges {

  /** The links created in {@code [from, until)}; a null end is open. */
  record Range(Instant from, Instant until) {
  }

  private ReadRanges() {
  }

  /** At most {@code n} ranges over {@code files} (a split export's, in order), each ending where about 1/n ends. */
  static List<Range> ofFiles(List<FileSpec> files, int n) {
    List<Instant> starts = new ArrayList<>();
    List<Long> rows = new ArrayList<>();
    long total = 0;
    for (FileSpec f : files) {
      if (starts.isEmpty() || !starts.get(starts.size() - 1).equals(f.from())) {
        starts.add(f.from());
        rows.add(0L);
      }
      rows.set(rows.size() - 1, rows.get(rows.size() - 1) + f.rows());
      total += f.rows();
    }
    int ranges = Math.max(1, Math.min(n, starts.size()));
    List<Range> out = new ArrayList<>();
    int first = 0;
    long sum = 0;
    for (int b = 0; b < starts.size(); b++) {
      sum += rows.get(b);
      boolean lastBucket = b == starts.size() - 1;
      if (!lastBucket && out.size() < ranges - 1 && sum * ranges >= (long) (out.size() + 1) * total) {
        out.add(new Range(first == 0 ? null : starts.get(first), starts.get(b + 1)));
        first = b + 1;
      }
    }
    out.add(new Range(first == 0 ? null : starts.get(first), null));
    return out;
  }
}
