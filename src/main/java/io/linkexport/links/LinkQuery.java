package io.linkexport.links;

import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Builds the WHERE and ORDER BY of the links queries from a {@link LinkFilter}: each parameter's condition from the
 * table ({@link FilterParam}), the order from {@link SortKey}. This is the only place that writes SQL in Java; the
 * list API and the export share {@link #orderedWhere} and the order, which is what makes an export equal to paging
 * through the list. The SELECT lists live in {@code sql/links_list.sql}, {@code links_count.sql} and
 * {@code links_export.sql}, with the markers {@code /*WHERE*}{@code /} and {@code /*ORDER*}{@code /} filled here
 * (and the export's {@code /*FILE*}{@code /}: a split export's file number, see {@link #renderByCreation}).
 *
 * <p>The project scope is one equality on one table, never a join condition: with stale planner statistics a project
 * condition on the inner side of the links-rollups join gave quadratic plans (StaleStatisticsIT). The count scopes
 * {@code links}; an ordered read sorted by a rollup column scopes {@code link_stats}, so it walks the project's
 * slice of that sort's index and reaches links by primary key (the export's fast-start cursor relies on it:
 * DeclaredCursor). {@code link_stats.project_id} always equals its link's (V2's links trigger moves it along).
 */
public final class LinkQuery {

  /** A statement and its parameters. */
  public record Sql(String text, Tuple params) {
  }

  private static final String LINKS_SCOPE = "l.project_id = $1";
  private static final String ROLLUPS_SCOPE = "s.project_id = $1";

  private final Where where;
  private final SortKey sort;
  private final boolean ascending;
  private final ZoneId zone;
  /** The metrics window's bounds (null: open), or null for all-time analytics. */
  private final OffsetDateTime[] window;

  private LinkQuery(Where where, SortKey sort, boolean ascending, ZoneId zone, OffsetDateTime[] window) {
    this.where = where;
    this.sort = sort;
    this.ascending = ascending;
    this.zone = zone;
    this.window = window;
  }

  public static LinkQuery of(UUID projectId, LinkFilter f) {
    Where where = new Where(projectId);
    for (FilterParam p : FilterParam.values()) {
      p.condition().apply(f.bound(p), where);
    }
    OffsetDateTime[] window = f.windowed() ? new OffsetDateTime[] {utc(f.instant(FilterParam.METRICS_FROM)),
      utc(f.instant(FilterParam.METRICS_TO))} : null;
    return new LinkQuery(where, f.sortBy(), f.ascending(), f.zone(), window);
  }

  private static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  /**
   * True when the project is the only value the filters bind (archived links may still be left out): the best plan
   * of such a page is the same for every project and every page, so it may be planned once ({@code Db.listPool}). A
   * cursor page's cursor is not a filter value: its plan (index range scans from the cursor) fits every cursor.
   */
  public boolean bindsOnlyTheProject() {
    return where.params().size() == 1 && window == null;
  }

  /** True when the analytics are a metrics window's (V12's link_window_stats), not the all-time link_stats. */
  public boolean windowed() {
    return window != null;
  }

  /**
   * The parameters of an ordered read: the filters', then the window's two bounds when there is one (the
   * {@code /*STATS*}{@code /} source reads them; the count, which reads no analytics, binds the filters' alone).
   */
  private List<Object> orderedParams() {
    List<Object> all = new ArrayList<>(where.params());
    if (window != null) {
      all.add(window[0]);
      all.add(window[1]);
    }
    return all;
  }

  /**
   * The analytics every ordered read joins as {@code s}: link_stats, or for a window V12's functions, whose columns
   * are link_stats' own, with the window's bounds (the parameters right after the filters', {@link #orderedParams}).
   * An export, or a cursor page sorted by an analytics number, reads the whole project's window
   * ({@code link_window_stats}: the sort needs every link's number). List pages in an order of the links' own
   * columns choose their links first and compute the window for those only ({@link #renderPage},
   * {@link #renderCursorPage}).
   */
  private String stats() {
    return window == null ? ALL_TIME : projectWindow() + " s ON s.link_id = l.id";
  }

  private static final String ALL_TIME = "link_stats s ON s.link_id = l.id";

  /** The whole project's window: {@code link_window_stats} with the bounds. */
  private String projectWindow() {
    return "link_window_stats($1, " + bounds() + ")";
  }

  /** The window's two bounds, the parameters right after the filters' ({@link #orderedParams}). */
  private String bounds() {
    return windowFrom() + ", $" + (where.params().size() + 2) + "::timestamptz";
  }

  /** The window's start, the first of its two parameters. */
  private String windowFrom() {
    return "$" + (where.params().size() + 1) + "::timestamptz";
  }

  /** The WHERE of the count: scoped on {@code links}. */
  public String where() {
    return LINKS_SCOPE + where.text();
  }

  /** The WHERE of an ordered read, a list page or the export: scoped on the table its sort walks. */
  String orderedWhere() {
    return (sort.rollups() ? ROLLUPS_SCOPE : LINKS_SCOPE) + where.text();
  }

  /** The filter's time zone: how the export's file writes timestamps. */
  public ZoneId zone() {
    return zone;
  }

  /** Fills the markers of the count's statement. */
  public Sql render(String template) {
    return new Sql(fill(template, where()), Tuple.wrap(new ArrayList<>(where.params())));
  }

  /** Fills the markers of the export's statement: every matching link, in the list's order. */
  public Sql renderOrdered(String template) {
    return new Sql(fill(template, orderedWhere()), Tuple.wrap(orderedParams()));
  }

  /**
   * Fills the markers of the export's statement for a split export: every matching link, ordered first by the file
   * its creation time falls in ({@code width_bucket} over the files' ascending start instants: bucket i holds
   * {@code [starts[i-1], starts[i])}, also selected as the last column), then in the list's order, so one pass reads
   * every file in turn (RowSlices cuts it and checks each row's file). Scoped on {@code links}: no index gives this
   * order, so Postgres reads the project's rows once and sorts them. Only the links created in {@code [from, until)}
   * (a null end is open): the files of one parallel reader of a split export, or all of them.
   */
  public Sql renderByCreation(String template, List<Instant> starts, Instant from, Instant until) {
    List<Object> all = orderedParams();
    all.add(starts.stream().map(i -> i.atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new));
    String file = "width_bucket(l.created_at, $" + all.size() + "::timestamptz[])";
    String range = "";
    if (from != null) {
      all.add(from.atOffset(ZoneOffset.UTC));
      range += " AND l.created_at >= $" + all.size();
    }
    if (until != null) {
      all.add(until.atOffset(ZoneOffset.UTC));
      range += " AND l.created_at < $" + all.size();
    }
    String text = Keyset.fill(template, where() + range, file + ", " + sort.orderBy(ascending), "")
      .replace("/*FILE*/", ", " + file).replace("/*STATS*/", stats());
    return new Sql(text, Tuple.wrap(all));
  }

  /**
   * Fills the markers of the export's statement for one parallel reader: the matching links of the range
   * {@code (lower, upper]} of the list's order ({@link SortRange}; a null bound is open), in that order.
   */
  public Sql renderRange(String template, SortRange.Bound lower, SortRange.Bound upper) {
    List<Object> all = orderedParams();
    String range = SortRange.condition(sort, ascending, lower, upper, all);
    return new Sql(fill(template, orderedWhere() + range), Tuple.wrap(all));
  }

  /**
   * Fills the markers of {@code sql/export_range_sample.sql}: the sort's value and tie-breaker of the matching links
   * in a sample, in the list's order; the parallel export cuts its ranges at evenly spaced rows of it. The sample is
   * {@code share} of the links table's pages ({@code TABLESAMPLE SYSTEM}) when {@code blocks}, else that share of the
   * matching links ({@code random()}).
   */
  public Sql renderSample(String template, double share, boolean blocks) {
    List<Object> all = orderedParams();
    String sample = "";
    String rows = "";
    if (blocks) {
      all.add((float) (100 * share)); // TABLESAMPLE takes a percentage, as a real
      sample = "TABLESAMPLE SYSTEM ($" + all.size() + ")";
    } else {
      all.add(share);
      rows = " AND random() < $" + all.size();
    }
    String text = fill(template.replace("/*KEY*/", sort.column() + " AS v, " + sort.tieBreaker() + " AS id")
      .replace("/*SAMPLE*/", sample), orderedWhere() + rows);
    return new Sql(text, Tuple.wrap(all));
  }

  /** Fills the markers of the list's statement and appends the page's LIMIT and OFFSET parameters. */
  public Sql renderPage(String template, LinkFilter page) {
    List<Object> all = orderedParams();
    // One row more than asked tells whether another page exists without a count query.
    all.add(page.pageSize() + 1);
    all.add(page.offset());
    String limit = "LIMIT $" + (all.size() - 1) + " OFFSET $" + all.size();
    if (window != null && sort != SortKey.LAST_CLICKED) {
      return new Sql(windowPage(template, limit), Tuple.wrap(all));
    }
    return new Sql(fill(template, orderedWhere()) + "\n" + limit, Tuple.wrap(all));
  }

  /**
   * An offset page with a metrics window: its links are chosen first, by the links' own columns (or saleAmount, which
   * is all-time) or, for a sort by a windowed count (clicks, installs), by the counts alone ({@code link_window_keys},
   * V14: no dimension maps, no last clicks); then one call computes the whole window for those links only
   * ({@code link_window_stats_of}: planned once per page, where a call per link planned its statements over every
   * month's partition a hundred times). The counts it computes are the ones the links were chosen by: the same rows
   * in the same order as the whole project's window. A sort by the window's last click reads the whole window.
   */
  private String windowPage(String template, String limit) {
    String order = sort.orderBy(ascending);
    String chosen = sort == SortKey.SALE_AMOUNT
      ? "pg AS MATERIALIZED (SELECT s.link_id AS id FROM links l JOIN link_stats s ON s.link_id = l.id"
      : sort.rollups()
        ? "k AS MATERIALIZED (SELECT * FROM link_window_keys($1, " + bounds() + ")),\n"
          + "pg AS MATERIALIZED (SELECT s.link_id AS id FROM links l JOIN k s ON s.link_id = l.id"
        : "pg AS MATERIALIZED (SELECT l.id FROM links l";
    // The start's check against the kept history (V13's link_window_start) as a one-time filter: evaluated once,
    // even when no link matches, and before the page's window is computed.
    return "WITH " + chosen + " WHERE " + kept() + " AND " + orderedWhere() + " ORDER BY " + order + " " + limit
      + ")\n" + ofChosen(template, "true", order);
  }

  /** The check of the window's start against the kept history (V13's link_window_start), as a one-time filter. */
  private String kept() {
    return "link_window_start(" + windowFrom() + ") IS NOT DISTINCT FROM " + windowFrom();
  }

  /** The list's statement over the chosen links {@code pg}, with their window computed by one call. */
  private String ofChosen(String template, String where, String order) {
    return Keyset.fill(template, where, order, "").replace("/*FILE*/", "").replace("/*STATS*/",
      "pg ON pg.id = l.id JOIN link_window_stats_of(ARRAY(SELECT pg.id FROM pg), " + bounds() + ") s"
        + " ON s.link_id = l.id");
  }

  /**
   * Fills the list's statement for a cursor page ({@link Keyset}): the rows from the cursor's link on, in the order of
   * travel ({@code backward} for endingBefore), the cursor's own row first when the filters keep it; at most
   * {@code limit} rows.
   */
  public Sql renderCursorPage(String template, UUID cursor, boolean backward, int limit) {
    List<Object> all = orderedParams();
    all.add(cursor);
    all.add(limit);
    String text = Keyset.render(template, orderedWhere(), sort, ascending, backward, all.size() - 1, all.size());
    if (window == null) {
      text = text.replace("/*STATS*/", ALL_TIME);
    } else if (sort.rollups()) {
      // The cursor's value and every branch read the project's window: aggregate it once for the statement.
      text = "WITH w AS MATERIALIZED (SELECT * FROM " + projectWindow() + "),\n" + text.substring("WITH ".length())
        .replace("/*STATS*/", "w s ON s.link_id = l.id");
    } else {
      // In an order of the links' own columns the page's links are chosen as an all-time page chooses them, then one
      // call computes their window: a call per link planned its statements over every month's partition (V13).
      text = "WITH pg AS MATERIALIZED (\n" + text.replace("/*STATS*/", ALL_TIME) + ")\n"
        + ofChosen(template, kept(), Keyset.travelOrder(sort, ascending, backward, "pg"));
    }
    return new Sql(text, Tuple.wrap(all));
  }

  private String fill(String template, String where) {
    return Keyset.fill(template, where, sort.orderBy(ascending), "").replace("/*FILE*/", "")
      .replace("/*STATS*/", stats());
  }
}
