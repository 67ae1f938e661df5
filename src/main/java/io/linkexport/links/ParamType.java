package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The value type of a filter parameter ({@link FilterParam}): how its raw values (every value given for the name,
 * as text) are parsed and validated, its default, its canonical JSON, and its OpenAPI schema. Every failure is a 400
 * naming the parameter.
 */
public interface ParamType {

  /** Parses the raw values of {@code name}; an absent or empty parameter answers {@link #defaultValue()}. */
  Object parse(String name, List<String> raw);

  /** The value of an absent parameter (null for "no condition"). */
  default Object defaultValue() {
    return null;
  }

  /** The canonical JSON of a parsed value. */
  default Object toJson(Object value) {
    return value.toString();
  }

  /** The type in words, for the README's table. */
  String describe();

  /** The OpenAPI schema of the parameter in a query string. */
  JsonObject schema();

  /** The OpenAPI schema of the parameter in a JSON body (the export request); the query schema by default. */
  default JsonObject bodySchema() {
    return schema();
  }

  static ParamType text(int maxLength) {
    return new TextParams.Text(maxLength, false);
  }

  static ParamType search(int maxLength) {
    return new TextParams.Text(maxLength, true);
  }

  static ParamType uuid() {
    return new TextParams.Uuid("a UUID");
  }

  /** A link's id: what cursor paging takes. */
  static ParamType linkId() {
    return new TextParams.Uuid("a link id (a UUID)");
  }

  /** A UUID, or {@code word}, which parses to itself. */
  static ParamType uuidOr(String word) {
    return new TextParams.UuidOr(word);
  }

  static ParamType uuids(int maxItems) {
    return new TextParams.Many(maxItems, Integer.MAX_VALUE, TextParams::uuidItem, "uuid");
  }

  /** Case-insensitive names: lowercased, each at most {@code maxLength} characters. */
  static ParamType names(int maxItems, int maxLength) {
    return new TextParams.Many(maxItems, maxLength, (name, s) -> s.toLowerCase(Locale.ROOT), null);
  }

  static ParamType bool() {
    return new ValueParams.Bool();
  }

  static ParamType integer(int min, int max, int def) {
    return new ValueParams.Int(min, max, def);
  }

  /** One of {@code values} (by their wire names); {@code def} when absent (may be null). */
  static <E> ParamType choice(List<E> values, Function<E, String> wire, E def) {
    return new ValueParams.Choice<>(values, wire, def);
  }

  /** A date (the whole day in the filter's zone: its start, or with {@code endOfDay} its last microsecond) or a
   * timestamp. */
  static ParamType instant(boolean endOfDay) {
    return new ValueParams.At(endOfDay);
  }

  /** An IANA time zone name; UTC when absent. */
  static ParamType zone() {
    return new ValueParams.Zone();
  }

  /** An OpenAPI schema of one JSON type. */
  static JsonObject openApi(String type) {
    return new JsonObject().put("type", type);
  }

  /** The one value of a single-valued parameter, or null when absent or empty. */
  static String single(String name, List<String> raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (raw.size() > 1) {
      throw ServiceException.badRequest(name, name + " must be given once");
    }
    String s = raw.get(0);
    if (s.indexOf('\0') >= 0) {
      throw ServiceException.badRequest(name, name + " must not contain NUL characters");
    }
    return s.isEmpty() ? null : s;
  }
}
