package io.linkexport.export;

import java.util.Locale;

/**
 * How Postgres plans the export's cursor: for a fast start ({@code cursor_tuple_fraction} 0.1, Postgres' default for a
 * declared cursor) or for the whole result (1.0, what COPY and a plain query get). The export reads every row, so
 * only the total time counts. The fast start still wins for an export sorted by a rollup (clicks, installs,
 * lastClicked, saleAmount) whose share of the tables fits in shared_buffers: it walks the project's slice of the
 * rollups' index, no sort, and streams from its first row while the service encodes (100,000 of 1,110,000 links by
 * clicks: 1.2-1.4 s against 1.7 s tuned, 1.7-1.8 s against 1.9 s on a stock Postgres; 300,000 of 431,000 links,
 * ~206 of 256 MB: 2.2 s against 2.8 s in one run, where the total plan took 1.5 s to its first row). When the share
 * does not fit, that walk is a random probe per row into pages that are not cached, and a sequential read, a hash
 * join and a sort are faster (1,000,000 links by clicks: 7.7-10.4 s against 11.9 s tuned, 7.9-11.7 s against 14.4 s
 * stock; 300,000 of 1,410,000, ~220 MB, with 128 MB: 3.9 against 4.8 s). Sorted by a column of the links, the fast
 * start walks the creation index and probes the rollups row by row, which never won: 100,000 links by createdAt
 * 1.5 s either way tuned, 1.6 s against 2.1-2.3 s stock; 1,000,000 links 5.8-5.9 s against 16.1 s tuned, 6.6-7.7 s
 * against 22.3 s stock (docs/benchmarks.md, "Which plan").
 *
 * <p>Decided from what the attempt knows after its count: the rows, the tables' size (the planner's own estimate,
 * {@code pg_class.reltuples} of {@code links}), the sort, and whether the export is split (ordered by file first: no
 * index gives that order, so it always sorts). {@code EXPORT_READ_PLAN} forces either plan.
 *
 * <p>An export that starts while it must yield to list pages ({@link ExportPacing#yielding}) gets the fast start
 * whenever its share of the tables fits in shared_buffers, whatever its sort: the plan for the total time does the
 * whole scan, join and sort in the first FETCH (1-5 s of a core beside list pages on the bench), which the pauses
 * between batches cannot spread, while the fast start does its work batch by batch, so the pauses pace all of it. Two
 * exports (25%) beside the clicks-sorted list page: p99 1.44x / 1.49x its value alone with the fast start, 1.80x /
 * 1.84x with the total plan (docs/benchmarks.md, "Exports yield to list pages"). Alone, that fast start costs 0-40%
 * more time (the figures above); beside list pages the export is paced to a tenth of its speed anyway.
 */
enum ReadPlan {
  FAST_START("0.1"),
  TOTAL("1");

  /**
   * The tables the export reads: about {@code rows} links (below 1: unknown, as before the first ANALYZE) in
   * {@code bytes} of links and rollups, and the server's shared_buffers, {@code cacheBytes}.
   */
  record Tables(long rows, long bytes, long cacheBytes) {
    /** The bytes of the tables an export of {@code exportRows} rows reads, in proportion. */
    long bytesOf(long exportRows) {
      return rows < 1 ? bytes : (long) ((double) bytes * Math.min(1.0, (double) exportRows / rows));
    }
  }

  /** The plan chosen, the tables it was chosen from, and whether the export is sorted by a rollup. */
  record Chosen(ReadPlan plan, Tables tables, boolean rollupSort) {
  }

  /** From this share of the table's rows on, an export sorted by a window's number is planned for its total time. */
  static final double WINDOWED_TOTAL_FROM_SHARE = 0.25;

  private final String tupleFraction;

  ReadPlan(String tupleFraction) {
    this.tupleFraction = tupleFraction;
  }

  /** The value of {@code cursor_tuple_fraction} for this plan. */
  String tupleFraction() {
    return tupleFraction;
  }

  /**
   * The plan for an export of {@code rows} rows from {@code tables}, sorted by a rollup or not, split or not, with
   * {@code configured} = {@code auto}, {@code fast-start} or {@code total}: a fast start only for an unsplit export
   * sorted by a rollup whose share of the tables fits in shared_buffers, by statistics that know its rows (300,000 of
   * 1,410,000 links by clicks, 21% and about 220 MB: the fast start won with 256 MB, 3.1 against 3.5 s, and lost with
   * 128 MB, 4.8 against 3.9 s). Until 2026-12-07 a share of a quarter of the table or more was planned for its total
   * time too, cached or not; the one export measured there that fit the cache, 300,000 of 431,000 links (70%, ~206 of
   * 256 MB), took 2.2 s with the fast start against 2.8 s (docs/benchmarks.md, "Where the cores go"). Measured up to
   * that share; a windowed export keeps the old rule (below).
   */
  static ReadPlan choose(String configured, long rows, Tables tables, boolean rollupSort, boolean split) {
    return choose(configured, rows, tables, rollupSort, split, false);
  }

  /** {@link #choose}, for an export that starts while it must yield to list pages ({@code yielding}) or not. */
  static ReadPlan choose(String configured, long rows, Tables tables, boolean rollupSort, boolean split,
                         boolean yielding) {
    return choose(configured, rows, tables, rollupSort, split, yielding, false);
  }

  /**
   * {@link #choose}, for an export with a metrics window ({@code windowed}) or not. A windowed export sorted by a
   * window's number keeps the rule all rollup sorts had until 2026-12-07: from a quarter of the table on, the total
   * plan. Its rows come from one aggregation of the project's day rollups, which the cache estimate (links and
   * link_stats) does not count, and no windowed export that large was measured with a fast start.
   */
  static ReadPlan choose(String configured, long rows, Tables tables, boolean rollupSort, boolean split,
                         boolean yielding, boolean windowed) {
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
    return reason(rows, tables, rollupSort, split, yielding, windowed) == null ? FAST_START : TOTAL;
  }

  /** Why {@code auto} plans for the total time, or null for a fast start. */
  private static String reason(long rows, Tables tables, boolean rollupSort, boolean split, boolean yielding,
                               boolean windowed) {
    if (split) {
      return "split";
    }
    if (pacedFastStart(rows, tables, yielding, windowed)) {
      return null;
    }
    if (!rollupSort) {
      return "links-column sort";
    }
    if (tables.rows() < 1) {
      return "no statistics";
    }
    if (rows > tables.rows()) {
      return "statistics older than the count";
    }
    if (windowed && rows >= WINDOWED_TOTAL_FROM_SHARE * tables.rows()) {
      return "windowed, a quarter of the table or more";
    }
    return tables.bytesOf(rows) >= tables.cacheBytes() ? "over shared_buffers" : null;
  }

  /**
   * A fast start because the export yields to list pages and its share of the tables is cached (see above), by
   * statistics that know at least its rows (older ones would plan on a table that has since grown). Never for a
   * windowed export: its window is one aggregation before the first row whatever the plan, which pauses between
   * batches cannot pace, so there a fast start would only be a risk.
   */
  private static boolean pacedFastStart(long rows, Tables tables, boolean yielding, boolean windowed) {
    return yielding && !windowed && tables.rows() >= 1 && rows <= tables.rows()
      && tables.bytesOf(rows) < tables.cacheBytes();
  }

  /**
   * The readers of an export of {@code rows} rows planned as {@code plan} ({@link SnapshotReads}): {@code configured}
   * ({@code EXPORT_READ_PARALLELISM}) for an export of at least {@code minRows} rows read from the primary and planned
   * for its total time, sorted by a column of the links or split (a split's ranges are groups of its files: creation
   * ranges of the links whatever the sort, {@link ReadRanges}); else 1. Readers run side by side what Postgres does
   * before a range's first row: the scan, join and sort of a total-time plan; a fast start does its work row by row as
   * the export reads, one range after the other, so readers would only add the sample (300,000 links by clicks:
   * 1.56 s with one reader, 1.85 s with two). A range of a rollup sort (clicks) filters the rollups, not the links,
   * so every reader hashed all of the project's links: 1,000,000 links by clicks took 6.9 s with two readers against
   * 6.0 s with one, while by createdAt two readers took 3.7 s against 4.4 s (docs/benchmarks.md, "Parallel reads").
   * An export from a replica reads serially.
   */
  static int readers(int configured, long rows, long minRows, ReadPlan plan, boolean rollupSort, boolean split,
                     boolean replica) {
    boolean serial = configured <= 1 || plan != TOTAL || rollupSort && !split || replica
      || rows < Math.max(2, minRows);
    return serial ? 1 : configured;
  }

  /** For the attempt's log: the plan and why. */
  static String describe(ReadPlan plan, String configured, long rows, Tables tables, boolean rollupSort,
                         boolean split, boolean yielding) {
    return describe(plan, configured, rows, tables, rollupSort, split, yielding, false);
  }

  /** {@link #describe}, for a windowed export or not. */
  static String describe(ReadPlan plan, String configured, long rows, Tables tables, boolean rollupSort,
                         boolean split, boolean yielding, boolean windowed) {
    String share = tables.rows() < 1 ? "unknown"
      : String.format(Locale.ROOT, "%.0f%%", 100.0 * rows / tables.rows());
    String reason = reason(rows, tables, rollupSort, split, yielding, windowed);
    String fast = pacedFastStart(rows, tables, yielding, windowed) ? "yields to list pages, in shared_buffers"
      : "fits in shared_buffers";
    String why = !"auto".equals(configured) ? "EXPORT_READ_PLAN" : reason == null ? fast : reason;
    String name = plan.name().toLowerCase(Locale.ROOT).replace('_', '-');
    return String.format(Locale.ROOT, "%s (%s; %d rows of about %d, %s, ~%d of %d MB of shared_buffers)", name, why,
      rows, tables.rows(), share, tables.bytesOf(rows) >> 20, tables.cacheBytes() >> 20);
  }
}
