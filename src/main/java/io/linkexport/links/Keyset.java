package io.linkexport.links;

/**
 * The statement of a cursor page ({@code startingAfter} / {@code endingBefore}): keyset paging in every sort, so a page
 * a million links deep costs what the first costs. The cursor's position is its link's current sort value and id,
 * read by the statement itself ({@code k}); the rows from the cursor on, in the order of travel, come from index range
 * scans that start at that position. The cursor's own row is included (the bound is inclusive) so that the caller can
 * tell, from the first row, whether the cursor is a link of the project that the filters keep ({@link PageWindow}).
 *
 * <p>A sort whose column may be null (lastClicked, name) puts those links last in both directions, as its ORDER BY
 * says ({@link SortKey#orderBy}). In the order of travel the rows are then two runs: the non-null values ordered by
 * (value, id), and the nulls ordered by id (travelling backwards the nulls come first). A row comparison cannot say
 * "or null", so such a page is the union of the runs' index range scans, each gated on whether the cursor's own value
 * is null (a condition on the cursor alone, which Postgres evaluates once and which skips the branch), and ordered
 * again by (run, value, id): a sort of at most two pages of rows. The run after the cursor's own is read only when
 * the cursor's run does not fill the page (a gate on its row count, also evaluated once): reading both for every page
 * made a lastClicked page deep in the values cost twice the first page's rows and halved its throughput. Every branch
 * orders as its index does (the nulls clause of an index run holds no nulls, so it changes no order, only lets the
 * planner read the index in order).
 */
final class Keyset {

  private static final String V = "(SELECT k.v FROM k)";
  private static final String ID = "(SELECT k.id FROM k)";
  /** The gate of the second run: the cursor's run has fewer rows than the limit (then {@code $n}). */
  private static final String FILLED = " AND (SELECT count(*) FROM run) < $";

  private Keyset() {
  }

  /**
   * The page's statement: {@code template} (links_list.sql) with {@code where} (the scope and the filters), the sort
   * {@code key} in the requested direction, travelling forward from the cursor or {@code backward} to it; the cursor's
   * link id is parameter {@code cursor}, the row limit parameter {@code limit}.
   */
  static String render(String template, String where, SortKey key, boolean ascending, boolean backward, int cursor,
                       int limit) {
    boolean walkDescending = ascending == backward;
    String dir = walkDescending ? " DESC" : " ASC";
    String op = walkDescending ? " <= " : " >= ";
    String column = key.column();
    String id = key.tieBreaker();
    String k = "WITH k AS MATERIALIZED (SELECT " + column + " AS v, l.id AS id FROM links l JOIN /*STATS*/"
      + " WHERE l.id = $" + cursor + " AND l.project_id = $1)";
    String after = " AND (" + column + ", " + id + ")" + op + "(" + V + ", " + ID + ")";
    String lim = "\nLIMIT $" + limit;
    if (!key.nullable()) {
      return k + "\n" + fill(template, where + after, column + dir + ", " + id + dir, "") + lim;
    }
    // The nulls clause the index has in this direction: rows read in index order need no sort.
    boolean indexNullsFirst = walkDescending != key.indexDescending();
    String order = column + dir + (indexNullsFirst ? " NULLS FIRST" : " NULLS LAST") + ", " + id + dir;
    boolean nullsFirst = backward; // NULLS LAST in both directions: travelling backwards they come first
    String values = nullsFirst ? "1" : "0";
    String nulls = nullsFirst ? "0" : "1";
    // The run the cursor is in, from the cursor on: its values, or (the cursor is a null) the nulls from it by id.
    String fromCursor = branch(template, where + after, order, values, lim) + "UNION ALL\n"
      + branch(template, where + " AND " + column + " IS NULL AND " + V + " IS NULL AND " + id + op + ID, order, nulls,
      lim);
    // The other run, whole, when the cursor is a value (forward: every null follows the values) or a null (backward:
    // every value follows the nulls), and only when the cursor's run did not fill the page: a gate on the first run's
    // row count, evaluated once, so a page inside the first run reads one run's rows, not two.
    String rest = nullsFirst
      ? branch(template, where + " AND " + column + " IS NOT NULL AND " + V + " IS NULL AND " + ID + " IS NOT NULL"
        + FILLED + limit, order, values, lim)
      : branch(template, where + " AND " + column + " IS NULL AND " + V + " IS NOT NULL" + FILLED + limit, order, nulls,
        lim);
    return k + ",\nrun AS (\n" + fromCursor + ")\nSELECT * FROM (\nSELECT * FROM run\nUNION ALL\n"
      + rest + ") page ORDER BY page.part, page." + key.outputColumn() + dir + ", page.id" + dir + lim;
  }

  /**
   * The order of travel of {@link #render}'s rows, by the columns of {@code links l} (and {@code part}, the run, of
   * a rendered page {@code page} when the sort may be null: within a run the values are all null or none are).
   */
  static String travelOrder(SortKey key, boolean ascending, boolean backward, String page) {
    String dir = ascending == backward ? " DESC" : " ASC";
    return (key.nullable() ? page + ".part, " : "") + key.column() + dir + ", " + key.tieBreaker() + dir;
  }

  private static String branch(String template, String where, String order, String part, String limit) {
    return "(" + fill(template, where, order, ", " + part + " AS part") + limit + ")\n";
  }

  static String fill(String template, String where, String order, String part) {
    return template.replace("/*WHERE*/", where).replace("/*ORDER*/", order).replace("/*PART*/", part);
  }
}
