package io.linkexport.links;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reads links for the list API: offset pages (page, pageSize) and cursor pages (startingAfter, endingBefore: keyset
 * under the hood, {@link Keyset}). Rows become dub.co's link JSON plus the link's analytics ({@link LinkJson}).
 */
public final class LinkRepository {

  /** Tag entries a query verticle keeps (TagDictionary): a few MB at most. */
  static final int MAX_TAGS = 20_000;

  private final Supplier<Pools> pools;
  private final String qrBase;
  private final TagDictionary dictionary = new TagDictionary(MAX_TAGS);

  /** See {@code Db.listPool}: statements with filter values go to the first, project-only ones to the second. */
  public record Pools(Pool customPlans, Pool genericPlans) {
  }

  /** {@code qrBase} is the QR code service's URL ({@code QR_CODE_BASE_URL}). */
  public LinkRepository(Pool customPlans, Pool genericPlans, String qrBase) {
    this(() -> new Pools(customPlans, genericPlans), qrBase);
  }

  /**
   * @param pools the pools of each request, asked once per page or count (a read replica's or the primary's)
   * @param qrBase the QR code service's URL ({@code QR_CODE_BASE_URL})
   */
  public LinkRepository(Supplier<Pools> pools, String qrBase) {
    this.pools = pools;
    this.qrBase = qrBase;
  }

  /**
   * One page of links in the filter's order: one statement when {@link TagDictionary} knows the page's tags at the
   * project's current tags version (the usual case), two when it does not.
   */
  public Future<LinkPage> list(UUID projectId, LinkFilter filter, LinkJson.Shape shape) {
    filter.requirePageDepth(); // the pools never run a deeper OFFSET, whoever asks
    LinkQuery query = LinkQuery.of(projectId, filter);
    String template = SqlStatements.get("links_list");
    UUID after = filter.startingAfter();
    UUID before = filter.endingBefore();
    LinkQuery.Sql sql = after != null ? query.renderCursorPage(template, after, false, filter.pageSize() + 2)
      : before != null ? query.renderCursorPage(template, before, true, filter.pageSize() + 2)
      : query.renderPage(template, filter);
    Pools on = pools.get(); // one source for the page and its tags
    Pool pool = query.bindsOnlyTheProject() ? on.genericPlans() : on.customPlans();
    return pool.preparedQuery(sql.text()).execute(sql.params()).compose(rows -> {
      List<Row> all = new ArrayList<>(rows.size());
      rows.forEach(all::add);
      List<UUID> ids = all.stream().map(r -> r.getUUID(LinkFields.ID)).toList();
      PageWindow window = after != null ? PageWindow.after(ids, filter.pageSize(), after)
        : before != null ? PageWindow.before(ids, filter.pageSize(), before)
        : PageWindow.offset(ids, filter.pageSize(), filter.page() == 1);
      List<Row> page = window.rows().stream().map(all::get).toList();
      return tags(on, projectId, page).map(tags -> new LinkPage(LinkJson.page(page, tags, shape, projectId, qrBase),
        window.hasMore(), window.nextCursor(), window.prevCursor()));
    });
  }

  /** Names and colours of the page's tags, from the dictionary or (what it lacks at this version) the database. */
  private Future<Map<UUID, LinkJson.Tag>> tags(Pools on, UUID projectId, List<Row> page) {
    Set<UUID> ids = new LinkedHashSet<>();
    for (Row r : page) {
      Collections.addAll(ids, r.getArrayOfUUIDs(LinkFields.TAG_IDS));
    }
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    // The same on every row (the statement reads the projects row once); never null while the project has links.
    long version = page.get(0).getLong(LinkFields.TAGS_VERSION);
    Map<UUID, LinkJson.Tag> tags = new HashMap<>();
    List<UUID> missing = dictionary.lookup(projectId, version, ids, tags);
    if (missing.isEmpty()) {
      return Future.succeededFuture(tags);
    }
    // By primary keys whatever the values: one plan fits all.
    return on.genericPlans().preparedQuery(SqlStatements.get("tags_by_id"))
      .execute(Tuple.tuple().addUUID(projectId).addArrayOfUUID(missing.toArray(new UUID[0])))
      .map(found -> {
        Map<UUID, LinkJson.Tag> fetched = fetched(found);
        dictionary.put(projectId, version, missing, fetched);
        tags.putAll(fetched);
        return tags;
      });
  }

  private static Map<UUID, LinkJson.Tag> fetched(RowSet<Row> found) {
    Map<UUID, LinkJson.Tag> fetched = new HashMap<>();
    for (Row t : found) {
      fetched.put(t.getUUID(0), new LinkJson.Tag(t.getUUID(0).toString(), t.getString(1), t.getString(2)));
    }
    return fetched;
  }

  public Future<Long> count(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_count"));
    return pools.get().customPlans().preparedQuery(sql.text()).execute(sql.params())
      .map(rows -> rows.iterator().next().getLong(0));
  }
}
