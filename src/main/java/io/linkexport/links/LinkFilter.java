package io.linkexport.links;

import io.linkexport.http.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The list API's filters, sort and paging (dub.co's {@code GET /links} query set plus {@code createdAfter},
 * {@code createdBefore} and {@code type}), parsed and validated once. The export reuses it unchanged, so an export
 * holds exactly the rows the list API pages through.
 *
 * <p>Decisions: unknown parameters are rejected (a typo such as {@code sortby} must not silently return another
 * order); list parameters ({@code tagIds}, {@code tagNames}) accept repeated parameters, comma-separated values or a
 * JSON array; a date-only {@code createdAfter}/{@code createdBefore} means the whole UTC day, inclusive; a timestamp
 * bound is inclusive; the export ignores {@code page}/{@code pageSize} (it exports every matching link).
 */
public record LinkFilter(
  String domain,
  List<UUID> tagIds,
  List<String> tagNames,
  UUID folderId,
  String search,
  UUID userId,
  String tenantId,
  boolean showArchived,
  String type,
  Instant createdAfter,
  Instant createdBefore,
  SortBy sortBy,
  boolean ascending,
  int page,
  int pageSize) {

  public static final int MAX_PAGE_SIZE = 100;
  public static final int MAX_SEARCH_LENGTH = 200;
  private static final int MAX_LIST_ITEMS = 50;
  private static final int MAX_PAGE = 100_000;

  /** The sortable columns; anything else is a 400. */
  public enum SortBy {
    CREATED_AT("createdAt"), CLICKS("clicks"), LAST_CLICKED("lastClicked"), NAME("name"), INSTALLS("installs");

    final String param;

    SortBy(String param) {
      this.param = param;
    }

    public String param() {
      return param;
    }

    static SortBy parse(String s) {
      for (SortBy b : values()) {
        if (b.param.equals(s)) {
          return b;
        }
      }
      throw ApiException.badRequest("sortBy", "sortBy must be one of createdAt, clicks, lastClicked, name, installs");
    }
  }

  public static final Set<String> PARAMETERS = Set.of("domain", "tagIds", "tagNames", "folderId", "search", "userId",
    "tenantId", "showArchived", "type", "createdAfter", "createdBefore", "sortBy", "sortOrder", "page", "pageSize");

  /** The defaults: every non-archived link, newest first, first page of 100. */
  public static LinkFilter defaults() {
    return parse(Map.of());
  }

  /** Parses query parameters (name -> all values given). Throws {@link ApiException} 400 naming the field. */
  public static LinkFilter parse(Map<String, List<String>> params) {
    for (String name : params.keySet()) {
      if (!PARAMETERS.contains(name)) {
        throw ApiException.badRequest(name, "unknown parameter '" + clip(name) + "'");
      }
    }
    P p = new P(params);
    Instant after = p.instant("createdAfter", false);
    Instant before = p.instant("createdBefore", true);
    if (after != null && before != null && after.isAfter(before)) {
      throw ApiException.badRequest("createdAfter", "createdAfter must not be later than createdBefore");
    }
    String sortOrder = p.single("sortOrder");
    if (sortOrder != null && !sortOrder.equals("asc") && !sortOrder.equals("desc")) {
      throw ApiException.badRequest("sortOrder", "sortOrder must be asc or desc");
    }
    String sortBy = p.single("sortBy");
    String type = p.single("type");
    if (type != null && !type.equals("dynamic") && !type.equals("unified")) {
      throw ApiException.badRequest("type", "type must be dynamic or unified");
    }
    return new LinkFilter(
      p.text("domain", 253),
      p.uuids("tagIds"),
      p.tagNames(),
      p.uuid("folderId"),
      p.search(),
      p.uuid("userId"),
      p.text("tenantId", 200),
      p.bool("showArchived"),
      type,
      after,
      before,
      sortBy == null ? SortBy.CREATED_AT : SortBy.parse(sortBy),
      "asc".equals(sortOrder),
      p.integer("page", 1, 1, MAX_PAGE),
      p.integer("pageSize", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE));
  }

  /**
   * Parses a JSON object (the export request body, or a filter that travelled over the event bus). Values may be
   * strings, numbers, booleans or (for list parameters) arrays; null means absent.
   */
  public static LinkFilter fromJson(JsonObject json) {
    if (json == null) {
      return defaults();
    }
    Map<String, List<String>> params = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Object> e : json) {
      Object v = e.getValue();
      if (v == null) {
        continue;
      }
      List<String> values = new ArrayList<>();
      if (v instanceof JsonArray arr) {
        for (Object o : arr) {
          if (o == null || o instanceof JsonObject || o instanceof JsonArray) {
            throw ApiException.badRequest(e.getKey(), e.getKey() + " must be a list of strings");
          }
          values.add(o.toString());
        }
        if (values.isEmpty()) {
          continue;
        }
      } else if (v instanceof JsonObject) {
        throw ApiException.badRequest(e.getKey(), e.getKey() + " must not be an object");
      } else {
        values.add(v.toString());
      }
      params.put(e.getKey(), values);
    }
    return parse(params);
  }

  /** The canonical JSON form (what an export job stores and what travels on the event bus). */
  public JsonObject toJson() {
    JsonObject j = new JsonObject();
    putIfNotNull(j, "domain", domain);
    if (!tagIds.isEmpty()) {
      j.put("tagIds", new JsonArray(tagIds.stream().map(UUID::toString).toList()));
    }
    if (!tagNames.isEmpty()) {
      j.put("tagNames", new JsonArray(new ArrayList<>(tagNames)));
    }
    putIfNotNull(j, "folderId", folderId == null ? null : folderId.toString());
    putIfNotNull(j, "search", search);
    putIfNotNull(j, "userId", userId == null ? null : userId.toString());
    putIfNotNull(j, "tenantId", tenantId);
    if (showArchived) {
      j.put("showArchived", true);
    }
    putIfNotNull(j, "type", type);
    putIfNotNull(j, "createdAfter", createdAfter == null ? null : createdAfter.toString());
    putIfNotNull(j, "createdBefore", createdBefore == null ? null : createdBefore.toString());
    j.put("sortBy", sortBy.param).put("sortOrder", ascending ? "asc" : "desc");
    j.put("page", page).put("pageSize", pageSize);
    return j;
  }

  /** The filter without paging, as an export stores it. */
  public JsonObject toExportJson() {
    JsonObject j = toJson();
    j.remove("page");
    j.remove("pageSize");
    return j;
  }

  public long offset() {
    return (long) (page - 1) * pageSize;
  }

  private static void putIfNotNull(JsonObject j, String k, Object v) {
    if (v != null) {
      j.put(k, v);
    }
  }

  static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /** Parameter access with validation; every failure names the field. */
  private static final class P {
    private final Map<String, List<String>> params;

    P(Map<String, List<String>> params) {
      this.params = params;
    }

    String single(String name) {
      List<String> v = params.get(name);
      if (v == null || v.isEmpty()) {
        return null;
      }
      if (v.size() > 1) {
        throw ApiException.badRequest(name, name + " must be given once");
      }
      String s = v.get(0);
      if (s.indexOf('\0') >= 0) {
        throw ApiException.badRequest(name, name + " must not contain NUL characters");
      }
      return s.isEmpty() ? null : s;
    }

    String text(String name, int max) {
      String s = single(name);
      if (s != null && s.length() > max) {
        throw ApiException.badRequest(name, name + " must be at most " + max + " characters");
      }
      return s;
    }

    String search() {
      String s = text("search", MAX_SEARCH_LENGTH);
      if (s != null && s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw ApiException.badRequest("search", "search must not contain control characters");
      }
      return s == null || s.isBlank() ? null : s.strip();
    }

    UUID uuid(String name) {
      String s = single(name);
      return s == null ? null : parseUuid(name, s);
    }

    List<String> many(String name) {
      List<String> raw = params.get(name);
      if (raw == null) {
        return List.of();
      }
      Set<String> out = new LinkedHashSet<>();
      for (String v : raw) {
        for (String part : v.split(",", -1)) {
          String t = part.strip();
          if (t.indexOf('\0') >= 0) {
            throw ApiException.badRequest(name, name + " must not contain NUL characters");
          }
          if (!t.isEmpty()) {
            out.add(t);
          }
        }
      }
      if (out.size() > MAX_LIST_ITEMS) {
        throw ApiException.badRequest(name, name + " accepts at most " + MAX_LIST_ITEMS + " values");
      }
      return List.copyOf(out);
    }

    List<UUID> uuids(String name) {
      return many(name).stream().map(s -> parseUuid(name, s)).distinct().toList();
    }

    List<String> tagNames() {
      List<String> names = many("tagNames");
      for (String n : names) {
        if (n.length() > 100) {
          throw ApiException.badRequest("tagNames", "each tag name must be at most 100 characters");
        }
      }
      return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    boolean bool(String name) {
      String s = single(name);
      if (s == null) {
        return false;
      }
      return switch (s) {
        case "true", "1" -> true;
        case "false", "0" -> false;
        default -> throw ApiException.badRequest(name, name + " must be true or false");
      };
    }

    int integer(String name, int def, int min, int max) {
      String s = single(name);
      if (s == null) {
        return def;
      }
      try {
        int v = Integer.parseInt(s.strip());
        if (v < min || v > max) {
          throw ApiException.badRequest(name, name + " must be between " + min + " and " + max);
        }
        return v;
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(name, name + " must be a whole number");
      }
    }

    /** A date (whole UTC day, inclusive at both ends) or an ISO-8601 timestamp with offset. */
    Instant instant(String name, boolean endOfDay) {
      String s = single(name);
      if (s == null) {
        return null;
      }
      s = s.strip();
      try {
        if (s.length() == 10) {
          LocalDate d = LocalDate.parse(s);
          return endOfDay
            ? d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().minusNanos(1000)
            : d.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        Instant t = OffsetDateTime.parse(s).toInstant();
        if (t.getEpochSecond() < -62135596800L || t.getEpochSecond() > 253402300799L) {
          throw ApiException.badRequest(name, name + " is out of range");
        }
        return t;
      } catch (DateTimeParseException e) {
        throw ApiException.badRequest(name,
          name + " must be an ISO date (2025-01-31) or timestamp with offset (2025-01-31T12:00:00Z)");
      }
    }

    private static UUID parseUuid(String name, String s) {
      if (s.length() != 36) {
        throw ApiException.badRequest(name, name + " must be a UUID");
      }
      try {
        return UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(name, name + " must be a UUID");
      }
    }
  }
}
