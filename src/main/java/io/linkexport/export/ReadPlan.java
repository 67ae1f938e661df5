package io.linkexport.export;

import java.util.Locale;

/**
 * How Postgres plans the export's cursor: for a fast start ({@code cursor_tuple_fraction} 0.1, Postgres' default for a
 * declared cursor) or for the whole result (1.0, what COPY and a plain query get). The export reads every row, so
 * only the total time counts; the fast start still wins while the export is a small share of the tables: sorted by
 * clicks it walks the project's slice of the rollups' index, no sort. When the export is most of the tables, that
 * walk (and the creation-date index walk) is a random probe per row into tables that no longer fit the cache, and a
 * sequential read with a hash join and a sort is two to three times faster (docs/benchmarks.md, "Which plan": by
 * createdAt, 1,000,000 of 1,110,000 links took 6.6-8.6 s planned for total time against 19-24 s for a fast start).
 *
 * <p>Decided from what the attempt knows after its count: the rows, the tables' size (the planner's own estimate,
 * {@code pg_class.reltuples} of {@code links}) and whether the export is split (a split is ordered by file first, no
 * index gives that order, so it always sorts). {@code EXPORT_READ_PLAN} forces either plan.
 */
enum ReadPlan {
  FAST_START("0.1"),
  TOTAL("1");

  /** Over this share of the tables' rows, the export is planned for its total time. */
  static final double TOTAL_FROM_SHARE = 0.25;

  private final String tupleFraction;

  ReadPlan(String tupleFraction) {
    this.tupleFraction = tupleFraction;
  }

  /** The value of {@code cursor_tuple_fraction} for this plan. */
  String tupleFraction() {
    return tupleFraction;
  }

  /**
   * The plan for an export of {@code rows} rows from tables of about {@code tableRows} rows (below 1: unknown, as
   * before the first ANALYZE), split or not, with {@code configured} = {@code auto}, {@code fast-start} or
   * {@code total}.
   */
  static ReadPlan choose(String configured, long rows, long tableRows, boolean split) {
    switch (configured) {
      case "fast-start":
        return FAST_START;
      case "total":
        return TOTAL;
      case "auto":
        break;
      default:
        throw new IllegalArgumentException("unknown read plan: " + configured);
    }
    if (split || tableRows < 1) {
      return TOTAL;
    }
    return rows >= TOTAL_FROM_SHARE * Math.max(rows, tableRows) ? TOTAL : FAST_START;
  }

  /** For the attempt's log: the plan and why. */
  static String describe(ReadPlan plan, long rows, long tableRows) {
    String share = tableRows < 1 ? "unknown" : String.format(Locale.ROOT, "%.0f%%", 100.0 * rows / tableRows);
    String name = plan.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return name + " (" + rows + " rows of about " + tableRows + ", " + share + ")";
  }
}
