package io.linkexport.links;

import java.util.List;
import java.util.UUID;

/**
 * A range of the export's order for one of its parallel readers: the rows after bound {@code lower} (exclusive) up to
 * bound {@code upper} (inclusive), either open. A bound is a position in the order, a sort value and a link id (the
 * tie-breaker), so ranges cut at any bounds partition the rows exactly, ties and nulls included: every row is in one
 * range, and the ranges read one after the other give the whole export's order. The bounds need not be rows of the
 * export (they come from a sample of the tables); a bad cut only makes the ranges unequal.
 *
 * <p>A sort whose column may be null puts the nulls last in both directions, ordered by id ({@link SortKey#orderBy}).
 * A row comparison cannot say "or null", so the condition is written for the bound's own value: after a non-null
 * bound come the later values and every null; after a null bound, only the nulls after its id. Each condition is
 * true or false for every row (never null), so its negation is the complement.
 */
public final class SortRange {

  /** A position in the export's order: the sort column's value (null for a never-set value) and the link id. */
  public record Bound(Object value, UUID id) {
  }

  private SortRange() {
  }

  /**
   * The condition of the range {@code (lower, upper]} in the order of {@code key} and {@code ascending}, binding its
   * bounds' values as parameters from {@code $(params.size() + 1)} on (appended to {@code params}); a null bound is
   * open. Starts with " AND", or is empty when both are open.
   */
  static String condition(SortKey key, boolean ascending, Bound lower, Bound upper, List<Object> params) {
    String sql = "";
    if (lower != null) {
      sql += " AND " + after(key, ascending, lower, params);
    }
    if (upper != null) {
      sql += " AND NOT " + after(key, ascending, upper, params);
    }
    return sql;
  }

  /** True for the rows after {@code bound} in the order; never null. */
  private static String after(SortKey key, boolean ascending, Bound bound, List<Object> params) {
    String op = ascending ? " > " : " < ";
    String column = key.column();
    String id = key.tieBreaker();
    params.add(bound.id());
    String idParam = "$" + params.size();
    if (bound.value() == null) {
      if (!key.nullable()) {
        throw new IllegalArgumentException("a bound of the " + key.param() + " sort has no value");
      }
      return "(" + column + " IS NULL AND " + id + op + idParam + ")";
    }
    params.add(bound.value());
    String rows = "(" + column + ", " + id + ")" + op + "($" + params.size() + ", " + idParam + ")";
    // coalesce: a null column makes the row comparison null, and such a row is after every value (nulls last)
    return key.nullable() ? "(" + column + " IS NULL OR coalesce(" + rows + ", false))" : rows;
  }
}
