package io.linkexport.links;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Reads links for the list API. Rows become the dub.co-style link JSON plus the link's analytics ({@link LinkJson}).
 */
public final class LinkRepository {

  /** Tag entries a query verticle keeps (TagDictionary): a few MB at most. */
  static final int MAX_TAGS = 20_000;

  private final Supplier<Pools> pools;
  private final TagDictionary dictionary = new TagDictionary(MAX_TAGS);

  /** See {@code Db.listPool}: statements with filter values go to the first, project-only ones to the second. */
  public record Pools(Pool customPlans, Pool genericPlans) {
  }

  public LinkRepository(Pool customPlans, Pool genericPlans) {
    this(() -> new Pools(customPlans, genericPlans));
  }

  /** @param pools the pools of each request, asked once per page or count (a read replica's or the primary's) */
  public LinkRepository(Supplier<Pools> pools) {
    this.pools = pools;
  }

  /**
   * One page of links in the filter's order: one statement when {@link TagDictionary} knows the page's tags at the
   * project's current tags version (the usual case), two when it does not.
   */
  public Future<LinkPage> list(UUID projectId, LinkFilter filter) {
    filter.requirePageDepth(); // the pools never run a deeper OFFSET, whoever asks
    LinkQuery query = LinkQuery.of(projectId, filter);
    LinkQuery.Sql sql = query.renderPage(SqlStatements.get("links_list"), filter);
    Pools on = pools.get();
    Pool pool = query.bindsOnlyTheProject() ? on.genericPlans() : on.customPlans();
    return pool.preparedQuery(sql.text()).execute(sql.params()).compose(rows -> {
      Set<UUID> ids = new LinkedHashSet<>();
      int n = 0;
      for (Row r : rows) {
        if (n++ == filter.pageSize()) {
          break; // the extra row only says that another page follows
        }
        Collections.addAll(ids, r.getArrayOfUUIDs(LinkJson.TAG_IDS));
      }
      if (ids.isEmpty()) {
        return Future.succeededFuture(page(rows, filter, Map.of()));
      }
      // The same on every row (the statement reads the projects row once); never null while the project has links.
      long version = rows.iterator().next().getLong(LinkJson.TAGS_VERSION);
      Map<UUID, LinkJson.Tag> tags = new HashMap<>();
      List<UUID> missing = dictionary.lookup(projectId, version, ids, tags);
      if (missing.isEmpty()) {
        return Future.succeededFuture(page(rows, filter, tags));
      }
      // By primary keys whatever the values: one plan fits all.
      return on.genericPlans().preparedQuery(SqlStatements.get("tags_by_id"))
        .execute(Tuple.tuple().addUUID(projectId).addArrayOfUUID(missing.toArray(new UUID[0])))
        .map(found -> {
          Map<UUID, LinkJson.Tag> fetched = new HashMap<>();
          for (Row t : found) {
            fetched.put(t.getUUID(0), new LinkJson.Tag(t.getUUID(0).toString(), t.getString(1), t.getString(2)));
          }
          dictionary.put(projectId, version, missing, fetched);
          tags.putAll(fetched);
          return page(rows, filter, tags);
        });
    });
  }

  public Future<Long> count(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_count"));
    return pools.get().customPlans().preparedQuery(sql.text()).execute(sql.params())
      .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The query asks for one row more than the page: its presence says another page follows. */
  private static LinkPage page(RowSet<Row> rows, LinkFilter filter, Map<UUID, LinkJson.Tag> tags) {
    return new LinkPage(LinkJson.page(rows, filter.pageSize(), tags), rows.size() > filter.pageSize());
  }
}
