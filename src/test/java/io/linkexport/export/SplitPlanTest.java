package io.linkexport.export;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** How a split export cuts its links into files, from the per-day count, without a database. */
class SplitPlanTest {

  private static List<SplitPlan.Day> days(Object... dayAndRows) {
    List<SplitPlan.Day> out = new ArrayList<>();
    for (int i = 0; i < dayAndRows.length; i += 2) {
      out.add(new SplitPlan.Day(LocalDate.parse((String) dayAndRows[i]), ((Number) dayAndRows[i + 1]).longValue()));
    }
    return out;
  }

  private static Instant at(String day) {
    return Instant.parse(day + "T00:00:00Z");
  }

  /** Verifies that whole months are packed into files while they fit, each file a range of whole months. */
  @Test
  void monthsArePackedIntoFilesUnderTheCeiling() {
    List<FileSpec> files = SplitPlan.plan(days("2025-01-05", 30, "2025-01-20", 10, "2025-02-03", 50,
      "2025-03-09", 70, "2025-05-01", 20), 100);
    assertThat(files).containsExactly(
      new FileSpec(at("2025-01-01"), at("2025-03-01"), 90, 0, null),
      new FileSpec(at("2025-03-01"), at("2025-06-01"), 90, 0, null));
  }

  /**
   * Verifies that a month over the ceiling is cut into its days, which are packed with their neighbours (a whole
   * month before, the next whole month after) while the file stays under the ceiling.
   */
  @Test
  void aMonthOverTheCeilingIsCutByDay() {
    List<FileSpec> files = SplitPlan.plan(days("2025-01-31", 5, "2025-02-01", 60, "2025-02-02", 30, "2025-02-10", 40,
      "2025-03-01", 10), 100);
    assertThat(files).containsExactly(
      new FileSpec(at("2025-01-01"), at("2025-02-03"), 95, 0, null),
      new FileSpec(at("2025-02-10"), at("2025-04-01"), 50, 0, null));
  }

  /** Verifies that a single day over the ceiling falls back to fixed-size parts in the export's order. */
  @Test
  void aDayOverTheCeilingFallsBackToFixedSizeParts() {
    List<FileSpec> files = SplitPlan.plan(days("2025-04-01", 3, "2025-04-02", 250, "2025-04-03", 4), 100);
    assertThat(files).containsExactly(
      new FileSpec(at("2025-04-01"), at("2025-04-02"), 3, 0, null),
      new FileSpec(at("2025-04-02"), at("2025-04-03"), 100, 0, 100L),
      new FileSpec(at("2025-04-02"), at("2025-04-03"), 100, 100, 100L),
      new FileSpec(at("2025-04-02"), at("2025-04-03"), 50, 200, 100L),
      new FileSpec(at("2025-04-03"), at("2025-04-04"), 4, 0, null));
  }

  /**
   * Verifies on random counts that every file is under the ceiling, the files' rows add up to the total, their
   * ranges follow each other without overlap (parts of one day by offset), every day falls in exactly one file's
   * range, and there are fewer than 2 x total / ceiling + 1 files.
   */
  @Test
  void randomCountsAreCutIntoDisjointFilesUnderTheCeilingThatAddUp() {
    Random random = new Random(20);
    for (int run = 0; run < 500; run++) {
      long ceiling = 1 + random.nextInt(200);
      List<SplitPlan.Day> days = new ArrayList<>();
      LocalDate d = LocalDate.of(2020 + random.nextInt(5), 1 + random.nextInt(12), 1);
      long total = 0;
      for (int i = random.nextInt(120); i >= 0; i--) {
        d = d.plusDays(1 + (random.nextInt(4) == 0 ? random.nextInt(90) : 0));
        long rows = 1 + (random.nextInt(10) == 0 ? random.nextInt(500) : random.nextInt(40));
        days.add(new SplitPlan.Day(d, rows));
        total += rows;
      }
      List<FileSpec> files = SplitPlan.plan(days, ceiling);
      assertThat(files.stream().mapToLong(FileSpec::rows).sum()).isEqualTo(total);
      assertThat(files).allSatisfy(f -> assertThat(f.rows()).isBetween(1L, ceiling));
      assertThat(files.size()).isLessThan((int) (2 * total / ceiling + 2));
      for (int i = 1; i < files.size(); i++) {
        FileSpec a = files.get(i - 1);
        FileSpec b = files.get(i);
        boolean sameDayParts = a.part() && b.part() && a.from().equals(b.from());
        assertThat(sameDayParts ? b.offset() == a.offset() + a.rows() : !b.from().isBefore(a.to()))
          .as("file %d follows file %d: %s, %s", i, i - 1, a, b).isTrue();
      }
      for (SplitPlan.Day day : days) {
        Instant start = at(day.day().toString());
        long covering = files.stream().filter(f -> !f.from().isAfter(start) && f.to().isAfter(start)).mapToLong(
          FileSpec::rows).sum();
        assertThat(covering).as("rows of the files covering %s", day.day()).isGreaterThanOrEqualTo(day.rows());
      }
    }
  }
}
