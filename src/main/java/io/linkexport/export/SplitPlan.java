package io.linkexport.export;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * How a split export cuts its links into files of at most {@code ceiling} rows, by creation date (UTC), from the
 * count of matching links per day read in the export's snapshot: a month is the unit; a month over the ceiling is cut
 * into its days; a single day over the ceiling into fixed-size parts in the export's order (all but the last of
 * {@code ceiling} rows). Consecutive units are packed into one file while they fit, so a file spans whole months
 * (or whole days) and the export has few files: two neighbouring files always hold more than one ceiling together,
 * so there are fewer than {@code 2 * total / ceiling + 1}. Files are in ascending creation order; their ranges are
 * half-open and disjoint, and their rows add up to the total: no link is in two files or in none.
 */
final class SplitPlan {

  /** Matching links created on one UTC day. */
  record Day(LocalDate day, long rows) {
  }

  /** A range of days of one unit, or a part of one day. */
  private record Unit(LocalDate from, LocalDate to, long rows, long offset, Long limit) {
  }

  private SplitPlan() {
  }

  /** The files; {@code days} in ascending order, each with at least one row. */
  static List<FileSpec> plan(List<Day> days, long ceiling) {
    if (ceiling < 1) {
      throw new IllegalArgumentException("ceiling must be positive: " + ceiling);
    }
    List<Unit> units = new ArrayList<>();
    for (int i = 0; i < days.size(); ) {
      YearMonth month = YearMonth.from(days.get(i).day());
      int end = i;
      long rows = 0;
      while (end < days.size() && YearMonth.from(days.get(end).day()).equals(month)) {
        rows += days.get(end++).rows();
      }
      if (rows <= ceiling) {
        units.add(new Unit(month.atDay(1), month.plusMonths(1).atDay(1), rows, 0, null));
      } else {
        days.subList(i, end).forEach(d -> dayUnits(d, ceiling, units));
      }
      i = end;
    }
    return pack(units, ceiling);
  }

  private static void dayUnits(Day d, long ceiling, List<Unit> units) {
    LocalDate next = d.day().plusDays(1);
    if (d.rows() <= ceiling) {
      units.add(new Unit(d.day(), next, d.rows(), 0, null));
      return;
    }
    for (long offset = 0; offset < d.rows(); offset += ceiling) {
      units.add(new Unit(d.day(), next, Math.min(ceiling, d.rows() - offset), offset, ceiling));
    }
  }

  /** Packs consecutive whole units into files while they fit; a part of a day is always a file of its own. */
  private static List<FileSpec> pack(List<Unit> units, long ceiling) {
    List<FileSpec> files = new ArrayList<>();
    Unit open = null;
    for (Unit u : units) {
      if (open != null && u.limit() == null && open.rows() + u.rows() <= ceiling) {
        open = new Unit(open.from(), u.to(), open.rows() + u.rows(), 0, null);
        continue;
      }
      if (open != null) {
        files.add(spec(open));
      }
      if (u.limit() != null) {
        files.add(spec(u));
        open = null;
      } else {
        open = u;
      }
    }
    if (open != null) {
      files.add(spec(open));
    }
    return files;
  }

  private static FileSpec spec(Unit u) {
    return new FileSpec(u.from().atStartOfDay(ZoneOffset.UTC).toInstant(),
      u.to().atStartOfDay(ZoneOffset.UTC).toInstant(), u.rows(), u.offset(), u.limit());
  }
}
