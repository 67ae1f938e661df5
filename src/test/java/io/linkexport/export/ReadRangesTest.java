package io.linkexport.export;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How a split export's files are grouped into the creation ranges of its parallel readers, without a database. */
class ReadRangesTest {

  private static final Instant D1 = Instant.parse("2025-01-01T00:00:00Z");

  private static Instant day(int n) {
    return D1.plusSeconds(86_400L * n);
  }

  private static FileSpec file(int day, long rows) {
    return new FileSpec(day(day), day(day + 1), rows, 0, null);
  }

  private static FileSpec part(int day, long rows, long offset) {
    return new FileSpec(day(day), day(day + 1), rows, offset, rows);
  }

  /** Verifies ranges of about equal rows, each ending where a file begins, the first and last open. */
  @Test
  void filesAreGroupedIntoRangesOfAboutEqualRows() {
    List<FileSpec> files = List.of(file(0, 10), file(1, 10), file(2, 10), file(3, 10), file(4, 10));
    assertThat(ReadRanges.ofFiles(files, 2)).containsExactly(new ReadRanges.Range(null, day(3)),
      new ReadRanges.Range(day(3), null));
    assertThat(ReadRanges.ofFiles(files, 5)).hasSize(5).first().isEqualTo(new ReadRanges.Range(null, day(1)));
    assertThat(ReadRanges.ofFiles(files, 9)).as("no more ranges than files").hasSize(5);
    assertThat(ReadRanges.ofFiles(files, 1)).containsExactly(new ReadRanges.Range(null, null));
    // a heavy first file takes a range of its own: 100 | 1 | 2 rows
    assertThat(ReadRanges.ofFiles(List.of(file(0, 100), file(1, 1), file(2, 1), file(3, 1)), 3))
      .containsExactly(new ReadRanges.Range(null, day(1)), new ReadRanges.Range(day(1), day(2)),
        new ReadRanges.Range(day(2), null));
  }

  /** Verifies that the parts of one day (files that share a start) are never split between readers. */
  @Test
  void partsOfOneDayStayInOneRange() {
    List<FileSpec> files = List.of(file(0, 10), part(1, 40, 0), part(1, 40, 40), part(1, 5, 80), file(2, 10));
    // three days, so at most three ranges; the 85 rows of day 1 end the first (10 + 85 of 105) and the second is day 2
    assertThat(ReadRanges.ofFiles(files, 4)).containsExactly(new ReadRanges.Range(null, day(2)),
      new ReadRanges.Range(day(2), null));
    List<FileSpec> late = List.of(file(0, 50), part(1, 40, 0), part(1, 40, 40), part(1, 5, 80), file(2, 10));
    assertThat(ReadRanges.ofFiles(late, 3)).containsExactly(new ReadRanges.Range(null, day(1)),
      new ReadRanges.Range(day(1), day(2)), new ReadRanges.Range(day(2), null));
  }
}
