package io.linkexport.links;

import java.util.List;

/**
 * The one table of the list API's parameters (dub.co's {@code GET /links} set plus {@code createdAfter},
 * {@code createdBefore} and {@code type}), which are also the export's filters: name, value type with its limits,
 * SQL condition, where it applies, and the description the OpenAPI document and the README show. {@link LinkFilter}
 * parses by it, {@link LinkQuery} writes SQL by it, the docs are derived from it (test-scope FilterDocs); a new
 * filter is a new row.
 */
public enum FilterParam {
  DOMAIN("domain", ParamType.text(253), Condition.equal("l.domain"), Use.FILTER,
    "Links of this short domain only."),
  TAG_IDS("tagIds", ParamType.uuids(50), Condition.tagIds(), Use.FILTER,
    "Links that have any of these tags, by id."),
  TAG_NAMES("tagNames", ParamType.names(50, 100), Condition.tagNames(), Use.FILTER,
    "Links that have any of these tags, by name (case-insensitive)."),
  WITH_TAGS("withTags", ParamType.bool(), Condition.withTags(), Use.FILTER,
    "Only links that have at least one tag."),
  FOLDER_ID("folderId", ParamType.uuidOr(FilterParam.UNSORTED), Condition.folder(), Use.FILTER,
    "Links of this folder only; unsorted: links in no folder."),
  SEARCH("search", ParamType.search(200), Condition.search(), Use.FILTER,
    "Links whose slug, name or destination URL contains this text (case-insensitive; % and _ are literal; control"
      + " characters are a 400). dub.co matches slug and URL; the name is matched too."),
  USER_ID("userId", ParamType.uuid(), Condition.equal("l.user_id"), Use.FILTER,
    "Links created by this user."),
  TENANT_ID("tenantId", ParamType.text(200), Condition.equal("l.tenant_id"), Use.FILTER,
    "Links of this tenant (your own id for your customer)."),
  SHOW_ARCHIVED("showArchived", ParamType.bool(), Condition.archived(), Use.FILTER,
    "Include archived links."),
  TYPE("type", ParamType.choice(List.of("dynamic", "unified"), s -> s, null), Condition.equal("l.type"), Use.FILTER,
    "Links of this type only."),
  CREATED_AFTER("createdAfter", ParamType.instant(false), Condition.compare("l.created_at", ">="), Use.FILTER,
    "Links created at or after this instant; a date means the start of that day in timezone."),
  CREATED_BEFORE("createdBefore", ParamType.instant(true), Condition.compare("l.created_at", "<="), Use.FILTER,
    "Links created at or before this instant; a date means the end of that day in timezone."),
  METRICS_FROM("metricsFrom", ParamType.instant(false), Condition.NONE, Use.FILTER,
    "The start of the metrics window (inclusive): every analytics field (clicks, installs, returning users, attributed"
      + " clicks, the tops, last clicked, and the sorts by them) counts only the events at or after it; a date means"
      + " the start of that day in timezone. Leads and sales stay all-time. Without metricsFrom and metricsTo the"
      + " numbers are all-time; either end may be left open. It selects no links: the filters do."),
  METRICS_TO("metricsTo", ParamType.instant(false), Condition.NONE, Use.FILTER,
    "The end of the metrics window (exclusive): events before it count; a date means the start of that day in"
      + " timezone (metricsFrom=2026-11-01&metricsTo=2026-12-01 is November). Not before metricsFrom."),
  TIMEZONE("timezone", ParamType.zone(), Condition.NONE, Use.FILTER,
    "The IANA time zone (Europe/Berlin) of date-only values (createdAfter, createdBefore, metricsFrom, metricsTo),"
      + " whole local days even when the clocks change (a day of"
      + " 23 or 25 hours), and of the export file's timestamps, written with their offset"
      + " (2026-11-05T09:12:33.120+01:00). UTC by default. The list API's JSON keeps UTC timestamps."),
  SORT_BY("sortBy", ParamType.choice(List.of(SortKey.values()), SortKey::param, SortKey.CREATED_AT), Condition.NONE,
    Use.ORDER, "The sort; ties are broken by link id, so pages never overlap."),
  SORT_ORDER("sortOrder", ParamType.choice(List.of("asc", "desc"), s -> s, "desc"), Condition.NONE, Use.ORDER,
    "The direction of the sort."),
  PAGE("page", ParamType.integer(1, 100_000, 1), Condition.NONE, Use.PAGE,
    "The page, from 1; page x pageSize may be at most " + LinkFilter.MAX_LIST_DEPTH_TEXT + " (an offset page reaches"
      + " at most the first " + LinkFilter.MAX_LIST_DEPTH_TEXT + " links; deeper is a 400: page on with startingAfter,"
      + " which has no depth limit). Not with startingAfter or endingBefore. The count and the export ignore it."),
  PAGE_SIZE("pageSize", ParamType.integer(1, 100, 100), Condition.NONE, Use.PAGE,
    "Links per page (the export ignores it)."),
  STARTING_AFTER("startingAfter", ParamType.linkId(), Condition.NONE, Use.PAGE,
    "Cursor paging: the page of links right after this link in the sort (meta.nextCursor of the previous page). The"
      + " link must be one of the project's links that the filters keep, else a 400. No depth limit. The count and"
      + " the export ignore it."),
  ENDING_BEFORE("endingBefore", ParamType.linkId(), Condition.NONE, Use.PAGE,
    "Cursor paging: the page of links right before this link in the sort (meta.prevCursor of the next page). Not"
      + " with startingAfter. The count and the export ignore it.");

  /** {@code folderId=unsorted}: links in no folder. */
  static final String UNSORTED = "unsorted";

  /** Where a parameter applies, and when its canonical JSON carries it. */
  public enum Use {
    /** A condition: written only when it differs from the default. */
    FILTER,
    /** The order: always written. */
    ORDER,
    /** List paging: written in the list's form (when given), never in the export's. */
    PAGE
  }

  private final String param;
  private final ParamType type;
  private final Condition condition;
  private final Use use;
  private final String description;

  FilterParam(String param, ParamType type, Condition condition, Use use, String description) {
    this.param = param;
    this.type = type;
    this.condition = condition;
    this.use = use;
    this.description = description;
  }

  /** The parameter's name in the query string, the export body and the canonical JSON. */
  public String param() {
    return param;
  }

  public ParamType type() {
    return type;
  }

  Condition condition() {
    return condition;
  }

  public Use use() {
    return use;
  }

  public String description() {
    return description;
  }

  /** The parameter of that name, or null. */
  public static FilterParam named(String name) {
    for (FilterParam p : values()) {
      if (p.param.equals(name)) {
        return p;
      }
    }
    return null;
  }
}
