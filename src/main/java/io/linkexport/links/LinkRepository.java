package io.linkexport.links;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reads links for the list API. Rows become the dub.co-style link JSON plus the link's analytics. */
public final class LinkRepository {

  /** The same text as the CSV: UTC, always three fraction digits (like JavaScript's toISOString). */
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);

  /** Tags in a link are listed by name, then id (names are unique per project, case-insensitively). */
  private static final Comparator<JsonObject> BY_NAME = Comparator.comparing((JsonObject t) -> t.getString("name"))
    .thenComparing(t -> t.getString("id"));

  private final Pool pool;

  public LinkRepository(Pool pool) {
    this.pool = pool;
  }

  /** One page of links and whether another page follows. */
  public record Page(JsonArray links, boolean hasMore) {
  }

  /** One page of links (the JSON objects of {@link #toJson}) in the filter's order. */
  public Future<Page> list(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_list"), filter);
    return pool.preparedQuery(sql.text()).execute(sql.params()).compose(rows -> {
      Set<UUID> tagIds = new HashSet<>();
      for (Row r : rows) {
        UUID[] ids = r.getArrayOfUUIDs(30);
        if (ids != null) {
          tagIds.addAll(Arrays.asList(ids));
        }
      }
      if (tagIds.isEmpty()) {
        return Future.succeededFuture(page(rows, filter, Map.of()));
      }
      return pool.preparedQuery(SqlStatements.get("tags_by_ids"))
        .execute(Tuple.tuple().addUUID(projectId).addArrayOfUUID(tagIds.toArray(new UUID[0])))
        .map(tags -> {
          Map<UUID, JsonObject> byId = new HashMap<>();
          for (Row t : tags) {
            byId.put(t.getUUID(0), new JsonObject().put("id", t.getUUID(0).toString()).put("name", t.getString(1))
              .put("color", t.getString(2)));
          }
          return page(rows, filter, byId);
        });
    });
  }

  public Future<Long> count(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_count"), null);
    return pool.preparedQuery(sql.text()).execute(sql.params()).map(rows -> rows.iterator().next().getLong(0));
  }

  private static Page page(RowSet<Row> rows, LinkFilter filter, Map<UUID, JsonObject> tags) {
    JsonArray links = new JsonArray(new java.util.ArrayList<>(Math.min(rows.size(), filter.pageSize())));
    boolean more = false;
    for (Row r : rows) {
      if (links.size() == filter.pageSize()) {
        more = true;
        break;
      }
      links.add(toJson(r, tags));
    }
    return new Page(links, more);
  }

  /**
   * A row of {@code sql/links_list.sql} as the dub.co-style link JSON plus its analytics. Columns are read by position
   * (the list's hot path: a lookup by name scans the column names), in the SELECT's order.
   */
  static JsonObject toJson(Row r, Map<UUID, JsonObject> tagsById) {
    String domain = r.getString(1);
    String slug = r.getString(2);
    JsonArray tags = new JsonArray();
    UUID[] tagIds = r.getArrayOfUUIDs(30);
    if (tagIds != null && tagIds.length > 0) {
      List<JsonObject> own = new ArrayList<>(tagIds.length);
      for (UUID id : tagIds) {
        JsonObject t = tagsById.get(id);
        if (t != null) {
          own.add(t);
        }
      }
      own.sort(BY_NAME);
      own.forEach(tags::add);
    }
    return new JsonObject(new java.util.LinkedHashMap<>(48))
      .put("id", r.getUUID(0).toString())
      .put("domain", domain)
      .put("key", slug)
      .put("url", r.getString(3))
      .put("shortLink", "https://" + domain + "/" + slug)
      .put("name", r.getString(4))
      .put("type", r.getString(5))
      .put("archived", r.getBoolean(6))
      .put("expiresAt", iso(r.getOffsetDateTime(7)))
      .put("tags", tags)
      .put("folderId", str(r.getUUID(8)))
      .put("tenantId", r.getString(9))
      .put("externalId", r.getString(10))
      .put("userId", str(r.getUUID(11)))
      .put("ios", r.getString(12))
      .put("android", r.getString(13))
      .put("utm_source", r.getString(14))
      .put("utm_medium", r.getString(15))
      .put("utm_campaign", r.getString(16))
      .put("utm_term", r.getString(17))
      .put("utm_content", r.getString(18))
      .put("createdAt", iso(r.getOffsetDateTime(19)))
      .put("updatedAt", iso(r.getOffsetDateTime(20)))
      .put("clicks", r.getLong(21))
      .put("newInstalls", r.getLong(22))
      .put("returningUsers", r.getLong(23))
      .put("attributedClicks", r.getLong(24))
      .put("topDevice", r.getString(25))
      .put("topOs", r.getString(26))
      .put("topBrowser", r.getString(27))
      .put("topCountry", r.getString(28))
      .put("lastClicked", iso(r.getOffsetDateTime(29)));
  }

  /** ISO-8601 UTC with milliseconds, the same text the CSV uses. */
  public static String iso(OffsetDateTime t) {
    return t == null ? null : ISO.format(t.toInstant());
  }

  private static String str(UUID u) {
    return u == null ? null : u.toString();
  }
}
