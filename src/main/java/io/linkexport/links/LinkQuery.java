package io.linkexport.links;

import io.vertx.sqlclient.Tuple;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the WHERE and ORDER BY of the links queries from a {@link LinkFilter}. This is the only place that writes
 * SQL in Java: columns and directions come from allowlists (enums), every user value is a {@code $n} parameter, and
 * LIKE patterns escape {@code \ % _}. The list API and the export share {@link #where} and {@link #orderBy}, which is
 * what makes an export equal to paging through the list.
 *
 * <p>The SELECT lists live in {@code sql/links_list.sql}, {@code sql/links_count.sql} and {@code sql/links_export.sql};
 * each contains the markers {@code /*WHERE*}{@code /} and {@code /*ORDER*}{@code /} that this class fills in.
 */
public final class LinkQuery {

  /** A statement and its parameters. */
  public record Sql(String text, Tuple params) {
  }

  private final String where;
  private final List<Object> params;
  private final String orderBy;

  private LinkQuery(String where, List<Object> params, String orderBy) {
    this.where = where;
    this.params = params;
    this.orderBy = orderBy;
  }

  public static LinkQuery of(UUID projectId, LinkFilter f) {
    List<Object> params = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    params.add(projectId);
    w.append("l.project_id = $1");
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
    return new LinkQuery(w.toString(), params, orderBy(f));
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

  public String where() {
    return where;
  }

  public String orderBy() {
    return orderBy;
  }

  /** Fills a statement template's markers; appends LIMIT/OFFSET parameters when {@code page} is given. */
  public Sql render(String template, LinkFilter page) {
    List<Object> all = new ArrayList<>(params);
    String text = template.replace("/*WHERE*/", where).replace("/*ORDER*/", orderBy);
    if (page != null) {
      // One row more than asked tells whether another page exists without a count query.
      text = text + "\nLIMIT " + bind(all, page.pageSize() + 1) + " OFFSET " + bind(all, page.offset());
    }
    return new Sql(text, Tuple.wrap(all));
  }
}
