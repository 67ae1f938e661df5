package io.linkexport.links;

/**
 * The sorts of the list API and the export ({@code sortBy}), each with its SQL column and whether never-set values go
 * last in both directions. A sort on a rollup column ({@code link_stats s}) reads the rollups, which decides the table
 * an ordered read is scoped on ({@link LinkQuery}); ties are broken by the link id of the same table, so pages never
 * overlap or skip rows.
 */
public enum SortKey {
  CREATED_AT("createdAt", "l.created_at", false),
  CLICKS("clicks", "s.clicks", false),
  // Links never clicked sort last in both directions: "most recently clicked" must not start with the unclicked.
  LAST_CLICKED("lastClicked", "s.last_clicked_at", true),
  NAME("name", "l.name", true),
  INSTALLS("installs", "s.new_installs", false);

  private final String param;
  private final String column;
  private final boolean nullsLast;

  SortKey(String param, String column, boolean nullsLast) {
    this.param = param;
    this.column = column;
    this.nullsLast = nullsLast;
  }

  /** The value of {@code sortBy}. */
  public String param() {
    return param;
  }

  /** True when the sort reads the rollups. */
  public boolean rollups() {
    return column.startsWith("s.");
  }

  /** The ORDER BY clause, with the unique tie-breaker. */
  String orderBy(boolean ascending) {
    String dir = ascending ? " ASC" : " DESC";
    return column + dir + (nullsLast ? " NULLS LAST" : "") + ", " + (rollups() ? "s.link_id" : "l.id") + dir;
  }
}
