package io.linkexport.export;

import io.linkexport.links.SortRange;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * How a parallel export's cuts are sampled ({@link SnapshotReads}): {@code share} of the links table's pages when
 * {@code blocks}, else that share of the export's own rows.
 */
record Sampling(double share, boolean blocks) {
  /**
   * {@link SnapshotReads#SAMPLE_ROWS} of an export of {@code total} rows, by blocks when that reads at most as many
   * rows as the export (a block sample of a share of the export's rows reads that share of the whole table, page by
   * page, without the export's sort). Else, a small project in a large table, from the export's own rows: one more pass
   * over them, without the sort, which still beats the pages of a table many times their size; so is a sample of
   * every row (an export under SAMPLE_ROWS) and one without the table's statistics.
   */
  static Sampling of(long total, ReadPlan.Tables tables) {
    double share = Math.min(1.0, (double) SnapshotReads.SAMPLE_ROWS / Math.max(1, total));
    // without statistics the table's size is unknown: its pages could be many times the export's rows
    return new Sampling(share, tables.rows() >= 1 && share < 1 && share * Math.max(total, tables.rows()) <= total);
  }

  /** The cuts: {@code n - 1} evenly spaced rows of the sample for n ranges, n at most the sample's rows plus one. */
  static List<SortRange.Bound> cuts(RowSet<Row> sample, int parallelism) {
    List<SortRange.Bound> rows = new ArrayList<>(sample.size());
    sample.forEach(r -> rows.add(new SortRange.Bound(r.getValue(0), r.get(UUID.class, 1))));
    return evenly(rows, parallelism);
  }

  /** {@code n - 1} distinct, ordered elements of {@code sorted} that cut it into n runs of about equal length. */
  static <T> List<T> evenly(List<T> sorted, int parallelism) {
    int n = Math.min(parallelism, sorted.size() + 1);
    List<T> cuts = new ArrayList<>();
    for (int i = 1; i < n; i++) {
      cuts.add(sorted.get((int) ((long) i * sorted.size() / n)));
    }
    return cuts;
  }
}
