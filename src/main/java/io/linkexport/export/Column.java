package io.linkexport.export;

import java.util.List;

/**
 * The one table of the export's columns, as {@code links.FilterParam} is the table of its filters: the column's id
 * (the list API's field name for the same value), the header the text formats write, the value's type (which says
 * how each format writes the cell: {@link ColumnType}), and the SQL expression that reads it (a constant of this
 * table, never user text: {@link ColumnSet#selectList}). The request's parser ({@link ColumnSet#parse}), the encoders,
 * the README's column table and the OpenAPI enum are derived from it; a new column is a new row.
 *
 * <p>The order of the rows is the list API's field order; the default set (today's 14 columns, byte for byte) is
 * {@link ColumnSet#DEFAULT}.
 */
public enum Column {
  ID("id", "ID", ColumnType.UUID, "l.id", "The link's id."),
  DOMAIN("domain", "Domain", ColumnType.TEXT, "l.domain", "The short link's domain."),
  KEY("key", "Slug", ColumnType.TEXT, "l.slug", "The short link's slug (path)."),
  URL("url", "Destination URL", ColumnType.TEXT, "l.url", "Where the link leads."),
  SHORT_LINK("shortLink", "Short URL", ColumnType.TEXT, "'https://' || l.domain || '/' || l.slug",
    "https://{domain}/{slug}."),
  NAME("name", "Name", ColumnType.TEXT, "l.name", "The link's name."),
  TYPE("type", "Type", ColumnType.TEXT, "l.type", "dynamic or unified."),
  ARCHIVED("archived", "Archived", ColumnType.BOOLEAN, "l.archived", "Whether the link is archived."),
  EXPIRES_AT("expiresAt", "Expires At", ColumnType.TIMESTAMP, "l.expires_at", "When the link expires."),
  TAGS("tags", "Tags", ColumnType.TAG_NAMES, "l.tag_ids", "The names of the link's tags, sorted."),
  FOLDER_ID("folderId", "Folder ID", ColumnType.UUID, "l.folder_id", "The link's folder."),
  TENANT_ID("tenantId", "Tenant ID", ColumnType.TEXT, "l.tenant_id", "Your own id for your customer."),
  EXTERNAL_ID("externalId", "External ID", ColumnType.TEXT, "l.external_id", "Your own id for the link."),
  USER_ID("userId", "User ID", ColumnType.UUID, "l.user_id", "The user who created the link."),
  IOS("ios", "iOS URL", ColumnType.TEXT, "l.ios", "Where the link leads on iOS."),
  ANDROID("android", "Android URL", ColumnType.TEXT, "l.android", "Where the link leads on Android."),
  UTM_SOURCE("utm_source", "UTM Source", ColumnType.TEXT, "l.utm_source", "utm_source."),
  UTM_MEDIUM("utm_medium", "UTM Medium", ColumnType.TEXT, "l.utm_medium", "utm_medium."),
  UTM_CAMPAIGN("utm_campaign", "UTM Campaign", ColumnType.TEXT, "l.utm_campaign", "utm_campaign."),
  UTM_TERM("utm_term", "UTM Term", ColumnType.TEXT, "l.utm_term", "utm_term."),
  UTM_CONTENT("utm_content", "UTM Content", ColumnType.TEXT, "l.utm_content", "utm_content."),
  CREATED_AT("createdAt", "Created At", ColumnType.TIMESTAMP, "l.created_at", "When the link was created."),
  UPDATED_AT("updatedAt", "Updated At", ColumnType.TIMESTAMP, "l.updated_at", "When the link last changed."),
  CLICKS("clicks", "Clicks", ColumnType.INTEGER, "s.clicks", "Clicks, all time."),
  NEW_INSTALLS("newInstalls", "New Installs", ColumnType.INTEGER, "s.new_installs", "App installs it led to."),
  RETURNING_USERS("returningUsers", "Returning Users", ColumnType.INTEGER, "s.returning_users",
    "Re-opens of an installed app it led to."),
  ATTRIBUTED_CLICKS("attributedClicks", "Attributed Clicks", ColumnType.INTEGER, "s.attributed_clicks",
    "Clicks that led to an install or re-open."),
  TOP_DEVICE("topDevice", "Top Device", ColumnType.TEXT, "s.top_device", "The device that clicked most."),
  TOP_OS("topOs", "Top OS", ColumnType.TEXT, "s.top_os", "The operating system that clicked most."),
  TOP_BROWSER("topBrowser", "Top Browser", ColumnType.TEXT, "s.top_browser", "The browser that clicked most."),
  TOP_COUNTRY("topCountry", "Top Country", ColumnType.TEXT, "s.top_country", "The country that clicked most."),
  LAST_CLICKED("lastClicked", "Last Clicked At", ColumnType.TIMESTAMP, "s.last_clicked_at",
    "When the link was last clicked."),
  // Issue 21's conversions, appended so that the order above (the list API's analytics fields) stays as it was.
  LEADS("leads", "Leads", ColumnType.INTEGER, "s.leads", "Leads (sign-ups) it led to, all time."),
  CONVERSIONS("conversions", "Conversions", ColumnType.INTEGER, "s.conversions",
    "Leads that have at least one sale."),
  SALES("sales", "Sales", ColumnType.INTEGER, "s.sales", "Sales it led to (count), all time."),
  SALE_AMOUNT("saleAmount", "Sale Amount", ColumnType.INTEGER, "s.sale_amount",
    "The sum of its sales, in cents (as dub's saleAmount).");

  /**
   * The version of the column set's meaning, stored on every job and written in its manifest: bumped when a column's
   * meaning or encoding changes (a new column does not change the meaning of the others, so it keeps the version).
   * README, "Columns", keeps the history.
   */
  public static final int SCHEMA_VERSION = 1;

  private final String id;
  private final String header;
  private final ColumnType type;
  private final String sql;
  private final String description;

  Column(String id, String header, ColumnType type, String sql, String description) {
    this.id = id;
    this.header = header;
    this.type = type;
    this.sql = sql;
    this.description = description;
  }

  /** The id a request names it by: the list API's field name for the same value. */
  public String id() {
    return id;
  }

  /** The header the text formats write. */
  public String header() {
    return header;
  }

  public ColumnType type() {
    return type;
  }

  /** The expression of the export's select list that reads it (a constant: never user text). */
  String sql() {
    return sql;
  }

  public String description() {
    return description;
  }

  /** The column of that id, or null. */
  public static Column byId(String id) {
    for (Column c : values()) {
      if (c.id.equals(id)) {
        return c;
      }
    }
    return null;
  }

  /** Every id, in the table's order (the OpenAPI enum). */
  public static List<String> ids() {
    return java.util.Arrays.stream(values()).map(Column::id).toList();
  }
}
