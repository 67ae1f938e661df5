package io.linkexport.export;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which plan the export's cursor gets, from its count and the tables' size, without a database. */
class ReadPlanTest {

  /** Verifies that a small share of the tables keeps the fast start and a large share is planned for total time. */
  @Test
  void theShareOfTheTablesDecides() {
    // the bench: a 100,000-link project in 1,110,892 links (9%), and its 1,000,000-link project (90%)
    assertThat(ReadPlan.choose("auto", 100_000, 1_110_892, true, false)).isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.choose("auto", 1_000_000, 1_110_892, true, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 249, 1_000, true, false)).isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.choose("auto", 250, 1_000, true, false)).isEqualTo(ReadPlan.TOTAL);
  }

  /** Verifies that a sort by a column of the links is planned for its total time at any size (it never won). */
  @Test
  void aSortByALinksColumnIsPlannedForTotalTime() {
    assertThat(ReadPlan.choose("auto", 100_000, 1_110_892, false, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 10, 1_000_000, false, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("fast-start", 10, 1_000_000, false, false)).isEqualTo(ReadPlan.FAST_START);
  }

  /** Verifies that a split (always a sort), unknown statistics and statistics older than the count plan for total. */
  @Test
  void splitsAndUnknownOrStaleSizesArePlannedForTotalTime() {
    assertThat(ReadPlan.choose("auto", 10, 1_000_000, true, true)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 10, -1, true, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 5_000, 1_000, true, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.choose("auto", 0, 1_000, true, false)).isEqualTo(ReadPlan.FAST_START);
  }

  /** Verifies that the operator's setting wins and that the values are Postgres' cursor_tuple_fraction. */
  @Test
  void theSettingForcesEitherPlan() {
    assertThat(ReadPlan.choose("fast-start", 1_000_000, 1_000_000, true, true)).isEqualTo(ReadPlan.FAST_START);
    assertThat(ReadPlan.choose("total", 1, 1_000_000, true, false)).isEqualTo(ReadPlan.TOTAL);
    assertThat(ReadPlan.FAST_START.tupleFraction()).isEqualTo("0.1");
    assertThat(ReadPlan.TOTAL.tupleFraction()).isEqualTo("1");
    assertThatThrownBy(() -> ReadPlan.choose("fast", 1, 1, true, false)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 900, 1_000, true, false))
      .isEqualTo("total (share; 900 rows of about 1000, 90%)");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 1, -1, true, false))
      .isEqualTo("total (no statistics; 1 rows of about -1, unknown)");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 1, 9, false, false)).startsWith("total (links-column sort;");
    assertThat(ReadPlan.describe(ReadPlan.TOTAL, "auto", 1, 9, true, true)).startsWith("total (split;");
    assertThat(ReadPlan.describe(ReadPlan.FAST_START, "fast-start", 1, 9, true, false))
      .startsWith("fast-start (EXPORT_READ_PLAN;");
  }
}
