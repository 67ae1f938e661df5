package io.linkexport.links;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/** Reads links for the list API. Rows become the dub.co-style link JSON plus the link's analytics. */
public final class LinkRepository {

  /** The same text as the CSV: UTC, always three fraction digits (like JavaScript's toISOString). */
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);

  private final Pool pool;

  public LinkRepository(Pool pool) {
    this.pool = pool;
  }

  /** One page: {@code {"links": [...], "page", "pageSize", "hasMore"}}. */
  public Future<JsonObject> list(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_list"), filter);
    return pool.preparedQuery(sql.text()).execute(sql.params()).map(rows -> page(rows, filter));
  }

  public Future<Long> count(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_count"), null);
    return pool.preparedQuery(sql.text()).execute(sql.params()).map(rows -> rows.iterator().next().getLong(0));
  }

  private static JsonObject page(RowSet<Row> rows, LinkFilter filter) {
    JsonArray links = new JsonArray();
    boolean more = false;
    for (Row r : rows) {
      if (links.size() == filter.pageSize()) {
        more = true;
        break;
      }
      links.add(toJson(r));
    }
    return new JsonObject().put("links", links).put("page", filter.page()).put("pageSize", filter.pageSize())
      .put("hasMore", more);
  }

  static JsonObject toJson(Row r) {
    String domain = r.getString("domain");
    String slug = r.getString("slug");
    Object tags = r.getValue("tags");
    return new JsonObject()
      .put("id", r.getUUID("id").toString())
      .put("domain", domain)
      .put("key", slug)
      .put("url", r.getString("url"))
      .put("shortLink", "https://" + domain + "/" + slug)
      .put("name", r.getString("name"))
      .put("type", r.getString("type"))
      .put("archived", r.getBoolean("archived"))
      .put("expiresAt", iso(r.getOffsetDateTime("expires_at")))
      .put("tags", tags instanceof JsonArray a ? a : new JsonArray())
      .put("folderId", str(r.getUUID("folder_id")))
      .put("tenantId", r.getString("tenant_id"))
      .put("externalId", r.getString("external_id"))
      .put("userId", str(r.getUUID("user_id")))
      .put("ios", r.getString("ios"))
      .put("android", r.getString("android"))
      .put("utm_source", r.getString("utm_source"))
      .put("utm_medium", r.getString("utm_medium"))
      .put("utm_campaign", r.getString("utm_campaign"))
      .put("utm_term", r.getString("utm_term"))
      .put("utm_content", r.getString("utm_content"))
      .put("createdAt", iso(r.getOffsetDateTime("created_at")))
      .put("updatedAt", iso(r.getOffsetDateTime("updated_at")))
      .put("clicks", r.getLong("clicks"))
      .put("newInstalls", r.getLong("new_installs"))
      .put("returningUsers", r.getLong("returning_users"))
      .put("attributedClicks", r.getLong("attributed_clicks"))
      .put("topDevice", r.getString("top_device"))
      .put("topOs", r.getString("top_os"))
      .put("topBrowser", r.getString("top_browser"))
      .put("topCountry", r.getString("top_country"))
      .put("lastClicked", iso(r.getOffsetDateTime("last_clicked_at")));
  }

  /** ISO-8601 UTC with milliseconds, the same text the CSV uses. */
  public static String iso(OffsetDateTime t) {
    return t == null ? null : ISO.format(t.toInstant());
  }

  private static String str(UUID u) {
    return u == null ? null : u.toString();
  }
}
