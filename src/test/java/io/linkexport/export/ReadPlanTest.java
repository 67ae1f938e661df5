package io.linkexport.export;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which plan the export's cursor gets, from its count, the tables and the cache, without a database. */
class ReadPlanTest {

  private static final long MB = 1L << 20;
  /** The bench database: 1,410,000 links in about 1,050 MB of links and rollups. */
  private static final long BENCH_ROWS = 1_410_000;
  private static final long BENCH_BYTES = 1_050 * MB;

  private static ReadPlan.Tables bench(long sharedBuffersMb) {
    return new ReadPlan.Tables(BENCH_ROWS, BENCH_BYTES, sharedBuffersMb * MB);
  }

  private static ReadPlan auto(long rows, ReadPlan.Tables tables) {
    return ReadPlan.choose("auto", rows, tables, true, false);
  }

  /**
   * Verifies the bench's figures (docs/benchmarks.md, "Which plan" and "Where the cores go"), sorted by clicks:
   * 100,000 links (7%, ~74 MB) start fast on both configurations; 300,000 (21%, ~220 MB) start fast with 256 MB of
   * shared_buffers and are planned for total time with 128 MB; 1,000,000 (71%, ~745 MB) are planned for total time
   * on both; 300,000 of the 431,000 links of the 2026-12-07 bench database (70%, ~206 MB) start fast with 256 MB:
   * without a window only the cache decides (measured up to 70% of the table; the 16 GB case extrapolates it). A
   * windowed export keeps the quarter rule.
   */
  @Test
  void theShareOfTheTablesAndTheCacheDecide() {
    assertThat(auto(100_000, bench(256))).isEqualTo(ReadPlan.FAST_START);
    assertThat(auto(100_000, bench(128))).isEqualTo(ReadPlan.FAST_START);
    assertThat(auto(300_000, bench(256))).isEqualTo(ReadPlan.FAST_START);
    assertThat(auto(300_000, bench(128))).isEqualTo(ReadPlan.TOTAL);
    assertThat(auto(1_000_000, bench(256))).isEqualTo(ReadPlan.TOTAL);
    assertThat(auto(1_000_000, bench(16_384))).as("most of the table, in a cache it fits")
      .isEqualTo(ReadPlan.FAST_START);
    ReadPlan.Tables smaller = new ReadPlan.Tables(431_000, 296 * MB, 256 * MB);
    assertThat(auto(300_000, smaller)).as("70%, ~206 of 256 MB").isEqualTo(ReadPlan.FAST_START);
    assertThat(auto(300_000, new ReadPlan.Tables(431_000, 296 * MB, 128 * MB))).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 300_000, smaller, true, false, false, true)).as("windowed, a quarter or more")
      .isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 100_000, smaller, true, false, false, true)).as("windowed, under a quarter")
      .isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 300_000, smaller, true, false, false, true))
      .startsWith("total (windowed, a quarter of the table or more;");
    ReadPlan.Tables small = new ReadPlan.Tables(1_000, MB, 128 * MB);
    assertThat(auto(1_000, small)).as("the whole table, cached").isEqualTo(ReadPlan.FAST_START);
    assertThat(auto(1_001, small)).as("statistics older than the count").isEqualTo(ReadPlan.TOTAL);
  }

  /** Verifies that a sort by a column of the links is planned for its total time at any size (it never won). */
  @Test
  void aSortByALinksColumnIsPlannedForTotalTime() {
    assertThat(ReadPlan.choose("auto", 100_000, bench(256), false, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 10, bench(256), false, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("fast-start", 10, bench(256), false, false)).isEqualTo(ReadPlan.FAST_START);
  }

  /**
   * Verifies that an export starting while it yields to list pages starts fast whenever its share of the tables is
   * cached, whatever its sort (the total plan's first FETCH does all of Postgres' work, which no pause spreads), and
   * keeps the plan it would have otherwise when split, over shared_buffers or without statistics.
   */
  @Test
  void anExportThatYieldsToListPagesStartsFastWhenItsShareIsCached() {
    assertThat(ReadPlan.choose("auto", 300_000, bench(256), false, false, true)).isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.choose("auto", 1_000_000, bench(2_048), true, false, true)).as("most of the table, cached")
      .isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.choose("auto", 300_000, bench(256), false, false, true, true)).as("windowed: not paced")
      .isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 300_000, bench(128), false, false, true)).as("over shared_buffers")
      .isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 300_000, bench(128), true, false, true)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 10, bench(256), false, true, true)).as("split").isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 10, new ReadPlan.Tables(-1, MB, 128 * MB), false, false, true))
      .as("no statistics").isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 5_000, new ReadPlan.Tables(1_000, MB, 128 * MB), true, false, true))
      .as("statistics older than the count").isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("total", 10, bench(256), false, false, true)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.describe(ReadPlan.FAST_START, "auto", 300_000, bench(256), false, false, true))
      .startsWith("fast-start (yields to list pages, in shared_buffers;");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 300_000, bench(128), false, false, true))
      .startsWith("total (links-column sort;");
  }

  /** Verifies that a split (always a sort), unknown statistics and statistics older than the count plan for total. */
  @Test
  void splitsAndUnknownOrStaleSizesArePlannedForTotalTime() {
    assertThat(ReadPlan.choose("auto", 10, bench(256), true, true)).isEqualTo(ReadPlan.TOTAL);
    assertThat(auto(10, new ReadPlan.Tables(-1, MB, 128 * MB))).isEqualTo(ReadPlan.TOTAL);
    assertThat(auto(5_000, new ReadPlan.Tables(1_000, MB, 128 * MB))).isEqualTo(ReadPlan.TOTAL);
    assertThat(auto(0, new ReadPlan.Tables(1_000, MB, 128 * MB))).isEqualTo(ReadPlan.FAST_START);
  }

  /** Verifies that the operator's setting wins, the values are cursor_tuple_fraction's, and the log says why. */
  @Test
  void theSettingForcesEitherPlanAndTheLogSaysWhy() {
    assertThat(ReadPlan.choose("fast-start", 1_000_000, bench(128), true, true)).isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.choose("total", 1, bench(128), true, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.FAST_START.tupleFraction()).isEqualTo("0.1");
    assertThat(ReadPlan.TOTAL.tupleFraction()).isEqualTo("1");
    assertThatThrownBy(() -> ReadPlan.choose("fast", 1, bench(128), true, false))
      .isInstanceOf(IllegalArgumentException.class);
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 300_000, bench(128), true, false, false))
      .isEqualTo("total (over shared_buffers; 300000 rows of about 1410000, 21%, ~223 of 128 MB of shared_buffers)");
    assertThat(ReadPlan.describe(ReadPlan.FAST_START, "auto", 100_000, bench(256), true, false, false))
      .startsWith("fast-start (fits in shared_buffers;");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 1, new ReadPlan.Tables(-1, MB, MB), true, false, false))
      .startsWith("total (no statistics; 1 rows of about -1, unknown,");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 1, bench(128), false, false, false))
      .startsWith("total (links-column sort;");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 1, bench(128), true, true, false)).startsWith("total (split;");
    assertThat(ReadPlan.describe(ReadPlan.FAST_START, "fast-start", 1, bench(128), true, false, false))
      .startsWith("fast-start (EXPORT_READ_PLAN;");
  }

  /**
   * Verifies when an export is read by parallel readers: an unsplit export of at least the minimum rows from the
   * primary, sorted by a links column and planned for its total time.
   */
  @Test
  void parallelReadersForALargeUnsplitExportOfThePrimary() {
    assertThat(ReadPlan.readers(4, 1_000_000, 50_000, ReadPlan.TOTAL, false, false, false)).isEqualTo(4);
    assertThat(ReadPlan.readers(4, 50_000, 50_000, ReadPlan.TOTAL, false, false, false)).isEqualTo(4);
    assertThat(ReadPlan.readers(1, 1_000_000, 50_000, ReadPlan.TOTAL, false, false, false)).isEqualTo(1);
    assertThat(ReadPlan.readers(4, 49_999, 50_000, ReadPlan.TOTAL, false, false, false)).isEqualTo(1);
    assertThat(ReadPlan.readers(4, 1_000_000, 50_000, ReadPlan.TOTAL, false, true, false)).as("split").isEqualTo(4);
    assertThat(ReadPlan.readers(4, 1_000_000, 50_000, ReadPlan.TOTAL, true, true, false)).as("split by clicks")
      .isEqualTo(4);
    assertThat(ReadPlan.readers(4, 1_000_000, 50_000, ReadPlan.TOTAL, false, false, true)).as("replica").isEqualTo(1);
    assertThat(ReadPlan.readers(4, 1, 1, ReadPlan.TOTAL, false, false, false)).as("one row").isEqualTo(1);
    assertThat(ReadPlan.readers(4, 1_000_000, 50_000, ReadPlan.FAST_START, false, false, false)).isEqualTo(1);
    assertThat(ReadPlan.readers(4, 1_000_000, 50_000, ReadPlan.TOTAL, true, false, false)).as("by clicks")
      .isEqualTo(1);
  }

  /**
   * Verifies how the cuts are sampled: by blocks of the table when 2,000 of the export's rows in proportion read at
   * most as many rows as the export; else from the export's own rows (a small project in a large table).
   */
  @Test
  void aBlockSampleWhenItReadsNoMoreThanTheExport() {
    assertThat(Sampling.of(1_000_000, bench(256)).blocks()).isTrue();
    assertThat(Sampling.of(100_000, bench(256)).blocks()).as("28,200 rows' pages").isTrue();
    assertThat(Sampling.of(50_000, new ReadPlan.Tables(1_250_000, 0, 0)).blocks()).isTrue();
    assertThat(Sampling.of(50_000, new ReadPlan.Tables(1_250_100, 0, 0)).blocks()).isFalse();
    assertThat(Sampling.of(60_000, new ReadPlan.Tables(100_000_000, 0, 0)).blocks()).isFalse();
    assertThat(Sampling.of(700, new ReadPlan.Tables(-1, 0, 0)))
      .as("no statistics, under 2,000 rows: all of them").isEqualTo(new Sampling(1.0, false));
    assertThat(Sampling.of(4_000, new ReadPlan.Tables(-1, 0, 0)))
      .isEqualTo(new Sampling(0.5, false));
    assertThat(Sampling.of(1_500, new ReadPlan.Tables(1_500, 0, 0))).as("every row")
      .isEqualTo(new Sampling(1.0, false));
  }

  /** Verifies the cuts: n - 1 distinct elements, about evenly spaced, fewer when the sample is short. */
  @Test
  void theCutsAreEvenlySpacedRowsOfTheSample() {
    java.util.List<Integer> sample = java.util.stream.IntStream.range(0, 100).boxed().toList();
    assertThat(Sampling.evenly(sample, 4)).containsExactly(25, 50, 75);
    assertThat(Sampling.evenly(sample, 3)).containsExactly(33, 66);
    assertThat(Sampling.evenly(sample, 1)).isEmpty();
    assertThat(Sampling.evenly(java.util.List.of(7, 8), 7)).containsExactly(7, 8);
    assertThat(Sampling.evenly(java.util.List.of(7, 8, 9), 3)).containsExactly(8, 9);
    assertThat(Sampling.evenly(java.util.List.<Integer>of(), 4)).isEmpty();
  }
}
