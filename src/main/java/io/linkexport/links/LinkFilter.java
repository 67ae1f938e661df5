package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The list API's filters, sort and paging, parsed and validated once by the parameter table ({@link FilterParam}).
 * The export reuses it unchanged, so an export holds exactly the rows the list API pages through.
 *
 * <p>Decisions: unknown parameters are rejected (a typo such as {@code sortby} must not silently return another
 * order); list parameters accept repeated parameters, comma-separated values or a JSON array; a date-only
 * {@code createdAfter}/{@code createdBefore} means the whole day in {@code timezone} (UTC by default), inclusive;
 * the export ignores {@code page} and {@code pageSize}. Its one serialised form is {@link #toJson()} (what travels
 * on the bus, what a job stores and shows), read back by {@link #fromJson}.
 */
public final class LinkFilter {

  /**
   * The deepest link a list page may reach ({@code page x pageSize}). Postgres reads and throws away every row before
   * an OFFSET, on pools all projects share: page 100,000 of 100 read 10M rows per request. The count and the export
   * ignore paging, so the bound never refuses them ({@link #requirePageDepth} is the list's check alone).
   */
  public static final int MAX_LIST_DEPTH = 10_000;
  /** {@link #MAX_LIST_DEPTH} as the documents and messages write it. */
  static final String MAX_LIST_DEPTH_TEXT = String.format(Locale.ROOT, "%,d", MAX_LIST_DEPTH);

  private final Map<FilterParam, Object> values;

  private LinkFilter(Map<FilterParam, Object> values) {
    this.values = values;
  }

  /** The defaults: every non-archived link, newest first, first page of 100. */
  public static LinkFilter defaults() {
    return parse(ParamSource.of(Map.of()));
  }

  /** Parses raw parameters; a {@link ServiceException} 400 names the parameter at fault. */
  public static LinkFilter parse(ParamSource source) {
    for (String name : source.names()) {
      if (FilterParam.named(name) == null) {
        throw ServiceException.badRequest(name, "unknown parameter '" + clip(name) + "'");
      }
    }
    Map<FilterParam, Object> values = new EnumMap<>(FilterParam.class);
    for (FilterParam p : FilterParam.values()) {
      values.put(p, p.type().parse(p.param(), source.values(p.param())));
    }
    LinkFilter f = new LinkFilter(values);
    f.requireOrder(FilterParam.CREATED_AFTER, FilterParam.CREATED_BEFORE, "");
    f.requireOrder(FilterParam.METRICS_FROM, FilterParam.METRICS_TO, " (the window is [metricsFrom, metricsTo))");
    requireOnePaging(source, values);
    return f;
  }

  /** A 400 naming {@code first} when both bounds are given and {@code first} resolves after {@code last}. */
  private void requireOrder(FilterParam first, FilterParam last, String why) {
    Instant a = instant(first);
    Instant b = instant(last);
    if (a != null && b != null && a.isAfter(b)) {
      throw ServiceException.badRequest(first.param(),
        first.param() + " must not be later than " + last.param() + why);
    }
  }

  /** A page is one of: an offset page ({@code page}), the page after a link, the page before a link. */
  private static void requireOnePaging(ParamSource source, Map<FilterParam, Object> values) {
    boolean after = values.get(FilterParam.STARTING_AFTER) != null;
    boolean before = values.get(FilterParam.ENDING_BEFORE) != null;
    if (after && before) {
      throw ServiceException.badRequest(FilterParam.ENDING_BEFORE.param(),
        "startingAfter and endingBefore cannot be combined: give the one cursor you page from");
    }
    List<String> page = source.values(FilterParam.PAGE.param());
    if ((after || before) && page != null && page.stream().anyMatch(v -> !v.isEmpty())) {
      throw ServiceException.badRequest(FilterParam.PAGE.param(), "page cannot be combined with "
        + (after ? "startingAfter" : "endingBefore") + ": a cursor says where the page is");
    }
  }

  /**
   * This filter, if its page reaches no deeper than {@link #MAX_LIST_DEPTH}; else a 400 naming {@code page}. The list
   * checks it; the count and the export, which ignore paging, do not.
   */
  public LinkFilter requirePageDepth() {
    if ((long) page() * pageSize() > MAX_LIST_DEPTH) {
      throw ServiceException.badRequest(FilterParam.PAGE.param(), "page " + page() + " with pageSize " + pageSize()
        + " reaches past the first " + MAX_LIST_DEPTH_TEXT + " links, the deepest an offset page may go (page x"
        + " pageSize at most " + MAX_LIST_DEPTH_TEXT + "): page on with startingAfter (meta.nextCursor of a page),"
        + " which has no depth limit, narrow the filters (for example createdBefore) or export the links");
    }
    return this;
  }

  /** Parses a JSON object: the export body, a bus request's filters, a stored job's; null means the defaults. */
  public static LinkFilter fromJson(JsonObject json) {
    return json == null ? defaults() : parse(ParamSource.of(json));
  }

  /** The parsed value of a parameter (its default when it was not given). */
  public Object get(FilterParam p) {
    return values.get(p);
  }

  /**
   * The instant of a bound parameter ({@code createdAfter}, {@code createdBefore}, {@code metricsFrom},
   * {@code metricsTo}): a timestamp as given, a date resolved in {@link #zone()}; null when absent.
   */
  public Instant instant(FilterParam p) {
    return ((ValueParams.At) p.type()).resolve(values.get(p), zone());
  }

  /** True when the analytics are those of a window ({@code metricsFrom} or {@code metricsTo}), not all-time. */
  public boolean windowed() {
    return values.get(FilterParam.METRICS_FROM) != null || values.get(FilterParam.METRICS_TO) != null;
  }

  /** The value a parameter's SQL condition binds: bounds as instants, everything else as parsed. */
  Object bound(FilterParam p) {
    return p.type() instanceof ValueParams.At ? instant(p) : values.get(p);
  }

  /** The time zone of date-only values and of the file's timestamps ({@code timezone}; UTC by default). */
  public ZoneId zone() {
    return (ZoneId) values.get(FilterParam.TIMEZONE);
  }

  public SortKey sortBy() {
    return (SortKey) values.get(FilterParam.SORT_BY);
  }

  public boolean ascending() {
    return "asc".equals(values.get(FilterParam.SORT_ORDER));
  }

  public int page() {
    return (Integer) values.get(FilterParam.PAGE);
  }

  public int pageSize() {
    return (Integer) values.get(FilterParam.PAGE_SIZE);
  }

  public long offset() {
    return (long) (page() - 1) * pageSize();
  }

  /** The link the page starts after ({@code startingAfter}), or null. */
  public UUID startingAfter() {
    return (UUID) values.get(FilterParam.STARTING_AFTER);
  }

  /** The link the page ends before ({@code endingBefore}), or null. */
  public UUID endingBefore() {
    return (UUID) values.get(FilterParam.ENDING_BEFORE);
  }

  /** True for a cursor page (startingAfter or endingBefore), false for an offset page. */
  public boolean cursorPage() {
    return startingAfter() != null || endingBefore() != null;
  }

  /** The canonical JSON: conditions that differ from their default, the order and the page. */
  public JsonObject toJson() {
    return json(true);
  }

  /** The canonical JSON without paging, as an export stores it. */
  public JsonObject toExportJson() {
    return json(false);
  }

  private JsonObject json(boolean withPage) {
    JsonObject j = new JsonObject();
    for (FilterParam p : FilterParam.values()) {
      Object v = values.get(p);
      boolean written = switch (p.use()) {
        case FILTER -> !Objects.equals(v, p.type().defaultValue());
        case ORDER -> true;
        case PAGE -> withPage && v != null && !(p == FilterParam.PAGE && cursorPage());
      };
      if (written) {
        j.put(p.param(), p.type().toJson(v));
      }
    }
    return j;
  }

  static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LinkFilter f && f.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "LinkFilter" + toJson().encode();
  }
}
