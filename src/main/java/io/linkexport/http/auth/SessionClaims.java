package io.linkexport.http.auth;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The claims rules of a Supabase session token, apart from its signature: {@code exp} required (with the leeway),
 * {@code nbf} honoured, {@code aud} containing and {@code role} equal to {@code authenticated}, {@code iss} when
 * configured, {@code sub} a UUID. Pure logic: every refusal is a 401 {@link ServiceException} saying which rule.
 */
final class SessionClaims {

  static final int LEEWAY_SECONDS = 30;
  private static final String AUTHENTICATED = "authenticated";

  private SessionClaims() {
  }

  /** The first instant (ms) at which a token expiring at {@code exp} (seconds) is refused: the leeway included. */
  static long acceptedUntilMs(long exp) {
    return (exp + LEEWAY_SECONDS + 1) * 1000;
  }

  /** The session the claims describe, at {@code nowMs}; throws a 401 naming the rule they break. */
  static Principal check(JsonObject c, long nowMs, String issuer) {
    checkTime(c, nowMs);
    Object aud = c.getValue("aud");
    if (!AUTHENTICATED.equals(aud) && !(aud instanceof JsonArray a && a.contains(AUTHENTICATED))) {
      throw refused("session token has the wrong audience");
    }
    if (!AUTHENTICATED.equals(c.getValue("role"))) {
      throw refused("session token is not a signed-in user's");
    }
    if (!issuer.isEmpty() && !issuer.equals(c.getValue("iss"))) {
      throw refused("session token has the wrong issuer");
    }
    Object email = c.getValue("email");
    return Principal.session(subject(c), email instanceof String e && !e.isBlank() ? e : null);
  }

  /** The token's expiry (seconds); the claims were {@link #check}ed. */
  static long expiry(JsonObject c) {
    return ((Number) c.getValue("exp")).longValue();
  }

  private static void checkTime(JsonObject c, long nowMs) {
    if (!(c.getValue("exp") instanceof Number exp)) {
      throw refused("session token has no expiry");
    }
    if (nowMs >= acceptedUntilMs(exp.longValue())) {
      throw refused("session token expired");
    }
    Object nbf = c.getValue("nbf");
    if (nbf != null && (!(nbf instanceof Number n) || nowMs / 1000 + LEEWAY_SECONDS < n.longValue())) {
      throw refused("session token not yet valid");
    }
  }

  private static UUID subject(JsonObject c) {
    if (c.getValue("sub") instanceof String s && s.length() == 36) {
      try {
        return UUID.fromString(s);
      } catch (IllegalArgumentException e) {
        // refused below
      }
    }
    throw refused("session token has no user id");
  }

  private static ServiceException refused(String message) {
    return ServiceException.unauthorized(message);
  }
}
