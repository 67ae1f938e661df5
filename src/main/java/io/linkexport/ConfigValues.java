package io.linkexport;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads typed, range-checked values from the configuration JSON for {@link AppConfig} and its views. From the
 * environment values arrive as strings, from the file as JSON types. Every value read is remembered with the value in
 * force (the default when unset), which is what {@code check-config} prints.
 */
final class ConfigValues {

  private final JsonObject json;
  private final Map<String, Object> resolved = new TreeMap<>();

  ConfigValues(JsonObject json) {
    this.json = json;
  }

  synchronized Map<String, Object> resolved() {
    return new TreeMap<>(resolved);
  }

  private synchronized <T> T remember(String key, T value) {
    resolved.put(key, value);
    return value;
  }

  String string(String key, String def) {
    Object v = json.getValue(key);
    return remember(key, v == null ? def : v.toString().trim());
  }

  String required(String key, String def) {
    String v = string(key, def);
    if (v.isEmpty()) {
      throw new IllegalArgumentException(key + " must not be empty");
    }
    return v;
  }

  String oneOf(String key, String def, List<String> allowed) {
    String v = string(key, def).toUpperCase(Locale.ROOT);
    if (!allowed.contains(v)) {
      throw new IllegalArgumentException(key + " must be one of " + allowed + ", got '" + v + "'");
    }
    return remember(key, v);
  }

  String url(String key, String def) {
    String v = required(key, def);
    try {
      java.net.URI uri = new java.net.URI(v);
      if (uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
        throw new IllegalArgumentException(key + " must be an http:// or https:// URL, got '" + v + "'");
      }
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(key + " is not a valid URL: '" + v + "'", e);
    }
    return v;
  }

  int integer(String key, int def, int min, int max) {
    return (int) longValue(key, def, min, max);
  }

  long longValue(String key, long def, long min, long max) {
    Object v = json.getValue(key);
    long value;
    if (v == null || v.toString().isBlank()) {
      value = def;
    } else if (v instanceof Number n) {
      value = n.longValue();
    } else {
      try {
        value = Long.parseLong(v.toString().trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be a whole number, got '" + v + "'", e);
      }
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", got " + value);
    }
    return remember(key, value);
  }

  boolean bool(String key, boolean def) {
    Object v = json.getValue(key);
    if (v == null || v.toString().isBlank()) {
      return remember(key, def);
    }
    if (v instanceof Boolean b) {
      return remember(key, b);
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("1") || s.equals("yes")) {
      return remember(key, true);
    }
    if (s.equals("false") || s.equals("0") || s.equals("no")) {
      return remember(key, false);
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
  }
}
