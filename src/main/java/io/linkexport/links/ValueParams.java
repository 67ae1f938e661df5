package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

import static io.linkexport.links.ParamType.openApi;
import static io.linkexport.links.ParamType.single;

/** The {@link ParamType}s of values: booleans, whole numbers, allowlists and instants. */
final class ValueParams {

  private ValueParams() {
  }

  /** true / false (also 1 / 0); false when absent. */
  record Bool() implements ParamType {
    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s == null) {
        return false;
      }
      return switch (s) {
        case "true", "1" -> true;
        case "false", "0" -> false;
        default -> throw ServiceException.badRequest(name, name + " must be true or false");
      };
    }

    @Override
    public Object defaultValue() {
      return false;
    }

    @Override
    public Object toJson(Object value) {
      return value;
    }

    @Override
    public String describe() {
      return "boolean";
    }

    @Override
    public JsonObject schema() {
      return openApi("boolean").put("default", false);
    }
  }

  /** A whole number in {@code [min, max]}. */
  record Int(int min, int max, int def) implements ParamType {
    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s == null) {
        return def;
      }
      int v;
      try {
        v = Integer.parseInt(s.strip());
      } catch (NumberFormatException e) {
        throw ServiceException.badRequest(name, name + " must be a whole number");
      }
      if (v < min || v > max) {
        throw ServiceException.badRequest(name, name + " must be between " + min + " and " + max);
      }
      return v;
    }

    @Override
    public Object defaultValue() {
      return def;
    }

    @Override
    public Object toJson(Object value) {
      return value;
    }

    @Override
    public String describe() {
      return "integer, " + min + " to " + max;
    }

    @Override
    public JsonObject schema() {
      return openApi("integer").put("minimum", min).put("maximum", max).put("default", def);
    }
  }

  /** One value of an allowlist. */
  record Choice<E>(List<E> values, Function<E, String> wire, E def) implements ParamType {
    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s == null) {
        return def;
      }
      for (E v : values) {
        if (wire.apply(v).equals(s)) {
          return v;
        }
      }
      throw ServiceException.badRequest(name, name + " must be " + alternatives());
    }

    private String alternatives() {
      List<String> names = values.stream().map(wire).toList();
      return names.size() == 2 ? names.get(0) + " or " + names.get(1) : "one of " + String.join(", ", names);
    }

    @Override
    public Object defaultValue() {
      return def;
    }

    @SuppressWarnings("unchecked")
    @Override
    public Object toJson(Object value) {
      return wire.apply((E) value);
    }

    @Override
    public String describe() {
      return alternatives();
    }

    @Override
    public JsonObject schema() {
      JsonObject s = openApi("string").put("enum", new JsonArray(values.stream().map(wire).toList()));
      return def == null ? s : s.put("default", wire.apply(def));
    }
  }

  /**
   * An ISO date or an ISO-8601 timestamp with offset. A timestamp parses to its {@link Instant}; a date stays a
   * {@link LocalDate}, as given, because its instant depends on the filter's {@code timezone} ({@link
   * LinkFilter#instant} resolves it: the day's start, or with {@code endOfDay} its last microsecond, in that zone).
   * The canonical JSON keeps the date, so a stored job shows what was asked for.
   */
  record At(boolean endOfDay) implements ParamType {
    private static final long MIN_SECOND = -62135596800L;
    private static final long MAX_SECOND = 253402300799L;

    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s == null) {
        return null;
      }
      s = s.strip();
      try {
        if (s.length() == 10) {
          return LocalDate.parse(s);
        }
        Instant t = OffsetDateTime.parse(s).toInstant();
        if (t.getEpochSecond() < MIN_SECOND || t.getEpochSecond() > MAX_SECOND) {
          throw ServiceException.badRequest(name, name + " is out of range");
        }
        return t;
      } catch (DateTimeParseException e) {
        throw ServiceException.badRequest(name,
          name + " must be an ISO date (2025-01-31) or timestamp with offset (2025-01-31T12:00:00Z)");
      }
    }

    /** The instant of a parsed value in {@code zone}: a timestamp as it is, a date by {@link #endOfDay}. */
    Instant resolve(Object value, ZoneId zone) {
      if (value instanceof LocalDate d) {
        // atStartOfDay(zone) is DST-correct: a day that starts in a gap starts at the gap's end, and a day is
        // 23 or 25 hours when the clocks change on it.
        return endOfDay ? d.plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1000) : d.atStartOfDay(zone)
          .toInstant();
      }
      return (Instant) value;
    }

    @Override
    public String describe() {
      return "date or timestamp";
    }

    @Override
    public JsonObject schema() {
      return openApi("string").put("description", "an ISO date (a day in timezone) or an ISO-8601 timestamp with "
        + "offset");
    }
  }

  /**
   * An IANA time zone name ({@code Europe/Berlin}, {@code UTC}), exactly as the tz database spells it; {@code UTC}
   * when absent. Fixed offsets ({@code +01:00}) are refused: a date-only bound needs the zone's rules (its DST), and a
   * stored job must say which zone it used.
   */
  record Zone() implements ParamType {
    static final ZoneId UTC = ZoneId.of("UTC");

    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s == null) {
        return UTC;
      }
      if (s.length() > 64 || !ZoneId.getAvailableZoneIds().contains(s)) {
        throw ServiceException.badRequest(name, name + " must be an IANA time zone name such as Europe/Berlin or UTC"
          + " ('" + LinkFilter.clip(s) + "' is not one)");
      }
      return ZoneId.of(s);
    }

    @Override
    public Object defaultValue() {
      return UTC;
    }

    @Override
    public Object toJson(Object value) {
      return ((ZoneId) value).getId();
    }

    @Override
    public String describe() {
      return "IANA time zone name";
    }

    @Override
    public JsonObject schema() {
      return openApi("string").put("default", "UTC").put("example", "Europe/Berlin");
    }
  }
}
