package io.linkexport.links;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads links for the list API. Rows become the dub.co-style link JSON plus the link's analytics ({@link LinkJson}). */
public final class LinkRepository {

  private final Pool customPlans;
  private final Pool genericPlans;

  /** See {@code Db.listPool}: statements with filter values go to the first, project-only ones to the second. */
  public LinkRepository(Pool customPlans, Pool genericPlans) {
    this.customPlans = customPlans;
    this.genericPlans = genericPlans;
  }

  /** One page of links in the filter's order. */
  public Future<LinkPage> list(UUID projectId, LinkFilter filter) {
    LinkQuery query = LinkQuery.of(projectId, filter);
    LinkQuery.Sql sql = query.renderPage(SqlStatements.get("links_list"), filter);
    Pool pool = query.bindsOnlyTheProject() ? genericPlans : customPlans;
    return pool.preparedQuery(sql.text()).execute(sql.params()).compose(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      int n = 0;
      for (Row r : rows) {
        if (n++ == filter.pageSize()) {
          break; // the extra row only says that another page follows
        }
        ids.add(r.getUUID(0));
      }
      if (ids.isEmpty()) {
        return Future.succeededFuture(page(rows, filter, Map.of()));
      }
      // By primary keys whatever the values: one plan fits all.
      return genericPlans.preparedQuery(SqlStatements.get("tags_of_links"))
        .execute(Tuple.tuple().addUUID(projectId).addArrayOfUUID(ids.toArray(new UUID[0])))
        .map(tags -> {
          Map<UUID, List<LinkJson.Tag>> byLink = new HashMap<>();
          for (Row t : tags) {
            byLink.computeIfAbsent(t.getUUID(0), k -> new ArrayList<>(2))
              .add(new LinkJson.Tag(t.getUUID(1).toString(), t.getString(2), t.getString(3)));
          }
          return page(rows, filter, byLink);
        });
    });
  }

  public Future<Long> count(UUID projectId, LinkFilter filter) {
    LinkQuery.Sql sql = LinkQuery.of(projectId, filter).render(SqlStatements.get("links_count"));
    return customPlans.preparedQuery(sql.text()).execute(sql.params()).map(rows -> rows.iterator().next().getLong(0));
  }

  /** The query asks for one row more than the page: its presence says another page follows. */
  private static LinkPage page(RowSet<Row> rows, LinkFilter filter, Map<UUID, List<LinkJson.Tag>> tags) {
    return new LinkPage(LinkJson.page(rows, filter.pageSize(), tags), rows.size() > filter.pageSize());
  }
}
