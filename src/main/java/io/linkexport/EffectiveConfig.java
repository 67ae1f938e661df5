package io.linkexport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the configuration in force without its secrets. A key is secret when its name says it holds a credential
 * (PASSWORD, SECRET, or an access KEY_ID: half of a credential pair, and an identifier an attacker should not learn
 * from a log); its value shows only whether it is set. A URL keeps everything but the password of its user part
 * ({@code PG_URL}, {@code PG_READ_URL} carry one).
 */
public final class EffectiveConfig {

  static final String MASK = "****";

  private EffectiveConfig() {
  }

  /** True for keys whose value must never be printed. */
  public static boolean secret(String key) {
    String k = key.toUpperCase(Locale.ROOT);
    return k.contains("PASSWORD") || k.contains("SECRET") || k.endsWith("KEY_ID") || k.endsWith("_TOKEN");
  }

  /** {@code KEY=value} lines in key order, masked. */
  static List<String> lines(Map<String, Object> resolved) {
    List<String> out = new ArrayList<>();
    resolved.forEach((key, value) -> out.add(key + "=" + shown(key, value)));
    return out;
  }

  /** The printable form of one value. */
  public static String shown(String key, Object value) {
    String v = value == null ? "" : value.toString();
    if (secret(key)) {
      return v.isEmpty() ? "(unset)" : MASK;
    }
    return maskUserPasswords(v);
  }

  /** {@code scheme://user:password@host} becomes {@code scheme://user:****@host}, for each URL in {@code v}. */
  static String maskUserPasswords(String v) {
    return v.replaceAll("(\\w+://[^:/@,\\s]*):[^@/,\\s]*@", "$1:" + MASK + "@");
  }
}
