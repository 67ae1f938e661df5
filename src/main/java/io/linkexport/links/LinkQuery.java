package io.linkexport.links;

import io.vertx.sqlclient.Tuple;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the WHERE and ORDER BY of the links queries from a {@link LinkFilter}. This is the only place that writes
 * SQL in Java: columns and directions come from allowlists (enums), every user value is a {@code $n} parameter, and
 * LIKE patterns escape {@code \ % _}. The list API and the export share {@link #orderedWhere} and {@link #orderBy},
 * which is what makes an export equal to paging through the list.
 *
 * <p>The SELECT lists live in {@code sql/links_list.sql}, {@code sql/links_count.sql} and {@code sql/links_export.sql};
 * each contains the markers {@code /*WHERE*}{@code /} and {@code /*ORDER*}{@code /} that this class fills in.
 *
 * <p>The project scope is one equality on one table, never a join condition. Right after a bulk import, before
 * autovacuum has analyzed it, the planner believes a project has about one link; any project condition on the inner
 * side of the links-rollups join then lets it pick a nested loop that scans all of the project's rows once per outer
 * row: minutes for 30,000 links, and on a list page the rows skipped by OFFSET count too (StaleStatisticsIT). So the
 * rollups join on their primary key only, the count scopes {@code links}, and an ordered read (a list page, the
 * export) sorted by a rollup column scopes {@code link_stats} instead: its sort index starts with the project, so the
 * read walks the project's slice of that index in the order asked for, and links are only reached by primary key.
 * Scoped on {@code links}, an export sorted by clicks is planned as a scan of every project's rollups (1.1 million
 * rows for a 100,000-link project), a hash join and a sort before the first row, even for the export's fast-start
 * cursor; scoped on the rollups that cursor walks the clicks index instead (0.56-0.65 s against 1.1-1.5 s for the
 * query's 100,000 rows in {@code EXPLAIN ANALYZE}, Postgres 16; {@code DeclaredCursor}, docs/benchmarks.md).
 * {@code link_stats.project_id} always equals its link's: the links trigger of V2 moves it in the same statement.
 */
public final class LinkQuery {

  /** A statement and its parameters. */
  public record Sql(String text, Tuple params) {
  }

  private static final String LINKS_SCOPE = "l.project_id = $1";
  private static final String ROLLUPS_SCOPE = "s.project_id = $1";

  /** The conditions after the project scope, each starting with " AND ". */
  private final String filters;
  private final List<Object> params;
  private final String orderBy;
  private final boolean rollupOrder;

  private LinkQuery(String filters, List<Object> params, String orderBy, boolean rollupOrder) {
    this.filters = filters;
    this.params = params;
    this.orderBy = orderBy;
    this.rollupOrder = rollupOrder;
  }

  public static LinkQuery of(UUID projectId, LinkFilter f) {
    List<Object> params = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    params.add(projectId);
    if (!f.showArchived()) {
      w.append(" AND NOT l.archived");
    }
    if (f.domain() != null) {
      w.append(" AND l.domain = ").append(bind(params, f.domain()));
    }
    if (f.folderId() != null) {
      w.append(" AND l.folder_id = ").append(bind(params, f.folderId()));
    }
    if (f.userId() != null) {
      w.append(" AND l.user_id = ").append(bind(params, f.userId()));
    }
    if (f.tenantId() != null) {
      w.append(" AND l.tenant_id = ").append(bind(params, f.tenantId()));
    }
    if (f.type() != null) {
      w.append(" AND l.type = ").append(bind(params, f.type()));
    }
    if (f.createdAfter() != null) {
      w.append(" AND l.created_at >= ").append(bind(params, f.createdAfter().atOffset(ZoneOffset.UTC)));
    }
    if (f.createdBefore() != null) {
      w.append(" AND l.created_at <= ").append(bind(params, f.createdBefore().atOffset(ZoneOffset.UTC)));
    }
    if (!f.tagIds().isEmpty()) {
      w.append(" AND EXISTS (SELECT 1 FROM link_tags lt WHERE lt.link_id = l.id AND lt.tag_id = ANY(")
        .append(bind(params, f.tagIds().toArray(new UUID[0]))).append("))");
    }
    if (!f.tagNames().isEmpty()) {
      w.append(" AND EXISTS (SELECT 1 FROM link_tags lt JOIN tags t ON t.id = lt.tag_id"
          + " WHERE lt.link_id = l.id AND t.project_id = $1 AND lower(t.name) = ANY(")
        .append(bind(params, f.tagNames().toArray(new String[0]))).append("))");
    }
    if (f.search() != null) {
      String p = bind(params, "%" + escapeLike(f.search()) + "%");
      // search_text is lower(slug \n name \n url) (V4, trigram-indexed); search has no control characters, so a
      // match never spans two fields.
      w.append(" AND l.search_text LIKE lower(").append(p).append(")");
    }
    boolean rollupOrder = switch (f.sortBy()) {
      case CLICKS, INSTALLS, LAST_CLICKED -> true;
      case CREATED_AT, NAME -> false;
    };
    return new LinkQuery(w.toString(), params, orderBy(f), rollupOrder);
  }

  /** ORDER BY with a unique tie-breaker, so pages never overlap or skip rows. */
  static String orderBy(LinkFilter f) {
    String dir = f.ascending() ? "ASC" : "DESC";
    return switch (f.sortBy()) {
      case CREATED_AT -> "l.created_at " + dir + ", l.id " + dir;
      case CLICKS -> "s.clicks " + dir + ", s.link_id " + dir;
      case INSTALLS -> "s.new_installs " + dir + ", s.link_id " + dir;
      // Links never clicked sort last in both directions: "most recently clicked" must not start with the unclicked.
      case LAST_CLICKED -> "s.last_clicked_at " + dir + " NULLS LAST, s.link_id " + dir;
      case NAME -> "l.name " + dir + " NULLS LAST, l.id " + dir;
    };
  }

  /** Escapes LIKE metacharacters so that {@code search} is matched literally (backslash is Postgres' default escape). */
  static String escapeLike(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' || c == '%' || c == '_') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private static String bind(List<Object> params, Object value) {
    params.add(value);
    return "$" + params.size();
  }

  /**
   * True when the project is the only value the filters bind (archived links may still be left out): the best plan
   * of such a page is the same for every project and every page, so it may be planned once ({@code Db.listPool}).
   * Any other filter value (a domain, a folder, a search term...) can be anywhere from everywhere to nowhere in the
   * project, and only a plan made for the actual value walks or searches the right index.
   */
  public boolean bindsOnlyTheProject() {
    return params.size() == 1;
  }

  /** The WHERE of the count: scoped on {@code links}. */
  public String where() {
    return LINKS_SCOPE + filters;
  }

  /** The WHERE of an ordered read, a list page or the export: scoped on the table its sort walks (class comment). */
  String orderedWhere() {
    return (rollupOrder ? ROLLUPS_SCOPE : LINKS_SCOPE) + filters;
  }

  public String orderBy() {
    return orderBy;
  }

  /** Fills the markers of the count's statement. */
  public Sql render(String template) {
    return new Sql(fill(template, where()), Tuple.wrap(params));
  }

  /** Fills the markers of the export's statement: every matching link, in the list's order. */
  public Sql renderOrdered(String template) {
    return new Sql(fill(template, orderedWhere()), Tuple.wrap(params));
  }

  /** Fills the markers of the list's statement and appends the page's LIMIT and OFFSET parameters. */
  public Sql renderPage(String template, LinkFilter page) {
    List<Object> all = new ArrayList<>(params);
    // One row more than asked tells whether another page exists without a count query.
    String text = fill(template, orderedWhere()) + "\nLIMIT " + bind(all, page.pageSize() + 1)
      + " OFFSET " + bind(all, page.offset());
    return new Sql(text, Tuple.wrap(all));
  }

  private String fill(String template, String where) {
    return template.replace("/*WHERE*/", where).replace("/*ORDER*/", orderBy);
  }
}
