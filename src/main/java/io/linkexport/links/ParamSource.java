package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Raw parameters as {@link LinkFilter#parse} reads them: the names given, and every value of a name as text. Read in
 * place, without copying into another shape: a query string ({@link #of(MultiMap)}), a JSON object (the export body,
 * a bus request, a stored job: {@link #of(JsonObject)}) or a map (tests).
 */
public interface ParamSource {

  /** The names given (JSON nulls and empty arrays count as absent). */
  Iterable<String> names();

  /** Every value given for {@code name}, or null when absent. */
  List<String> values(String name);

  static ParamSource of(MultiMap query) {
    return new ParamSource() {
      @Override
      public Iterable<String> names() {
        return query.names();
      }

      @Override
      public List<String> values(String name) {
        return query.contains(name) ? query.getAll(name) : null;
      }
    };
  }

  static ParamSource of(Map<String, List<String>> params) {
    return new ParamSource() {
      @Override
      public Iterable<String> names() {
        return params.keySet();
      }

      @Override
      public List<String> values(String name) {
        return params.get(name);
      }
    };
  }

  /** Values may be strings, numbers, booleans or (for list parameters) arrays of those; objects are a 400. */
  static ParamSource of(JsonObject json) {
    return new ParamSource() {
      @Override
      public Iterable<String> names() {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Object> e : json) {
          if (e.getValue() != null && !(e.getValue() instanceof JsonArray a && a.isEmpty())) {
            names.add(e.getKey());
          }
        }
        return names;
      }

      @Override
      public List<String> values(String name) {
        Object v = json.getValue(name);
        if (v == null || v instanceof JsonArray a && a.isEmpty()) {
          return null;
        }
        if (v instanceof JsonObject) {
          throw ServiceException.badRequest(name, name + " must not be an object");
        }
        if (!(v instanceof JsonArray arr)) {
          return List.of(v.toString());
        }
        List<String> values = new ArrayList<>(arr.size());
        for (Object o : arr) {
          if (o == null || o instanceof JsonObject || o instanceof JsonArray) {
            throw ServiceException.badRequest(name, name + " must be a list of strings");
          }
          values.add(o.toString());
        }
        return values;
      }
    };
  }
}
