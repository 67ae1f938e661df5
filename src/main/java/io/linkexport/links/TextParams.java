package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.linkexport.links.ParamType.openApi;
import static io.linkexport.links.ParamType.single;

/** The {@link ParamType}s of text: free text, search terms, UUIDs and lists of them. */
final class TextParams {

  private TextParams() {
  }

  /** Free text; as a search term also without control characters, stripped, and blank meaning absent. */
  record Text(int maxLength, boolean search) implements ParamType {
    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s != null && s.length() > maxLength) {
        throw ServiceException.badRequest(name, name + " must be at most " + maxLength + " characters");
      }
      if (!search || s == null) {
        return s;
      }
      if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw ServiceException.badRequest(name, name + " must not contain control characters");
      }
      return s.isBlank() ? null : s.strip();
    }

    @Override
    public String describe() {
      return (search ? "search text" : "text") + ", at most " + maxLength + " characters";
    }

    @Override
    public JsonObject schema() {
      return openApi("string").put("maxLength", maxLength);
    }
  }

  /** A UUID in its canonical 36-character form; {@code what} names it in the 400 ("a UUID", "a link id (a UUID)"). */
  record Uuid(String what) implements ParamType {
    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      return s == null ? null : parseValue(name, s, name + " must be " + what);
    }

    /** The UUID {@code s}, or a 400 naming {@code name} with {@code message}. */
    static UUID parseValue(String name, String s, String message) {
      if (s.length() == 36) {
        try {
          return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
          // fall through to the 400
        }
      }
      throw ServiceException.badRequest(name, message);
    }

    @Override
    public String describe() {
      return what.startsWith("a ") ? what.substring(2) : what;
    }

    @Override
    public JsonObject schema() {
      return openApi("string").put("format", "uuid");
    }
  }

  /**
   * A UUID, or one word that means something else ({@code folderId=unsorted}: links in no folder, as in dub); the
   * word parses to itself.
   */
  record UuidOr(String word) implements ParamType {
    @Override
    public Object parse(String name, List<String> raw) {
      String s = single(name, raw);
      if (s == null || s.equals(word)) {
        return s;
      }
      return Uuid.parseValue(name, s, name + " must be a UUID or " + word);
    }

    @Override
    public String describe() {
      return "UUID or `" + word + "`";
    }

    @Override
    public JsonObject schema() {
      return openApi("string").put("description", "a UUID, or " + word);
    }
  }

  /** Each item of a list of UUIDs; the 400 says which value is not one (a dub client may send dub's own ids). */
  static UUID uuidItem(String name, String s) {
    return Uuid.parseValue(name, s, name + ": '" + LinkFilter.clip(s) + "' is not an id of this service (ids are"
      + " UUIDs)");
  }

  /** A list: repeated parameters, comma-separated values or a JSON array; distinct, in the order given. */
  record Many(int maxItems, int maxLength, ItemParser item, String format) implements ParamType {
    /** Parses one item of the list. */
    interface ItemParser {
      Object parse(String name, String value);
    }

    @Override
    public Object parse(String name, List<String> raw) {
      if (raw == null) {
        return List.of();
      }
      Set<String> items = new LinkedHashSet<>();
      for (String v : raw) {
        for (String part : v.split(",", -1)) {
          String t = part.strip();
          if (t.indexOf('\0') >= 0) {
            throw ServiceException.badRequest(name, name + " must not contain NUL characters");
          }
          if (t.length() > maxLength) {
            throw ServiceException.badRequest(name, "each of " + name + " must be at most " + maxLength
              + " characters");
          }
          if (!t.isEmpty()) {
            items.add(t);
          }
        }
      }
      if (items.size() > maxItems) {
        throw ServiceException.badRequest(name, name + " accepts at most " + maxItems + " values");
      }
      return items.stream().map(s -> item.parse(name, s)).distinct().toList();
    }

    @Override
    public Object defaultValue() {
      return List.of();
    }

    @Override
    public Object toJson(Object value) {
      return new JsonArray(((List<?>) value).stream().map(Object::toString).toList());
    }

    @Override
    public String describe() {
      return "list of " + (format == null ? "names" : "UUIDs") + " (at most " + maxItems + ")";
    }

    @Override
    public JsonObject schema() {
      return openApi("string").put("description", "comma-separated; or repeat the parameter");
    }

    @Override
    public JsonObject bodySchema() {
      JsonObject items = openApi("string");
      if (format != null) {
        items.put("format", format);
      }
      return new JsonObject().put("oneOf", new JsonArray().add(openApi("string"))
        .add(openApi("array").put("maxItems", maxItems).put("items", items)));
    }
  }
}
