package io.linkexport.links;

/**
 * The sorts of the list API and the export ({@code sortBy}), each with its SQL column and whether never-set values go
 * last in both directions. A sort on a rollup column ({@code link_stats s}) reads the rollups, which decides the table
 * an ordered read is scoped on ({@link LinkQuery}); ties are broken by the link id of the same table, so pages never
 * overlap or skip rows. Each sort has an index in the order it walks (V1, V4, V10); {@code indexDescending} is that
 * index's direction, which cursor pages follow for sorts that have nulls ({@link Keyset}).
 */
public enum SortKey {
  CREATED_AT("createdAt", "l.created_at", false, true),
  CLICKS("clicks", "s.clicks", false, true),
  // Links never clicked sort last in both directions: "most recently clicked" must not start with the unclicked.
  LAST_CLICKED("lastClicked", "s.last_clicked_at", true, true),
  NAME("name", "l.name", true, false),
  INSTALLS("installs", "s.new_installs", false, true),
  SALE_AMOUNT("saleAmount", "s.sale_amount", false, true);

  private final String param;
  private final String column;
  private final boolean nullsLast;
  private final boolean indexDescending;

  SortKey(String param, String column, boolean nullsLast, boolean indexDescending) {
    this.param = param;
    this.column = column;
    this.nullsLast = nullsLast;
    this.indexDescending = indexDescending;
  }

  /** The value of {@code sortBy}. */
  public String param() {
    return param;
  }

  /** True when the sort reads the rollups. */
  public boolean rollups() {
    return column.startsWith("s.");
  }

  /** The sorted column, qualified ({@code s.clicks}). */
  String column() {
    return column;
  }

  /** The column's name in a page's row ({@code clicks}). */
  String outputColumn() {
    return column.substring(2);
  }

  /** The unique tie-breaker: the link id of the table the sort walks. */
  String tieBreaker() {
    return rollups() ? "s.link_id" : "l.id";
  }

  /** True when the column may be null (such links come last in both directions). */
  boolean nullable() {
    return nullsLast;
  }

  /** The direction of the sort's index ({@link Keyset} orders its branches as the index does). */
  boolean indexDescending() {
    return indexDescending;
  }

  /** The ORDER BY clause, with the unique tie-breaker. */
  String orderBy(boolean ascending) {
    String dir = ascending ? " ASC" : " DESC";
    return column + dir + (nullsLast ? " NULLS LAST" : "") + ", " + tieBreaker() + dir;
  }
}
