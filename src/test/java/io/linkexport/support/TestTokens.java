package io.linkexport.support;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * Dashboard-session tokens for tests and the dev stack, signed like Supabase signs them, plus the raw pieces attack
 * tests need to forge tokens (any header, any claims, any key).
 */
public final class TestTokens {

  /** The HS256 secret the test services are configured with (at least 256 bits, as RFC 7518 requires). */
  public static final String SECRET = "test-supabase-jwt-secret-0123456789abcdef0123456789";

  private TestTokens() {
  }

  /** A valid session for one hour. */
  public static String session(UUID userId, String email) {
    return session(userId, email, Duration.ofHours(1));
  }

  public static String session(UUID userId, String email, Duration ttl) {
    return hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims(userId, email, ttl), SECRET);
  }

  /** The claims Supabase puts in a session token. */
  public static JsonObject claims(UUID userId, String email, Duration ttl) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", userId.toString()).put("email", email).put("aud", "authenticated")
      .put("role", "authenticated").put("iat", now).put("exp", now + ttl.toSeconds()).put("session_id",
        UUID.randomUUID().toString());
  }

  public static String hs256(JsonObject header, JsonObject claims, String secret) {
    return hmac(header, claims, secret.getBytes(StandardCharsets.UTF_8));
  }

  /** HMAC-SHA256 over header.claims with any key bytes (key-confusion attacks use a public key's bytes). */
  public static String hmac(JsonObject header, JsonObject claims, byte[] key) {
    try {
      String input = part(header) + "." + part(claims);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** RS256 or ES256 (JWS form: raw R||S for ECDSA) with a private key. */
  public static String sign(JsonObject header, JsonObject claims, PrivateKey key) {
    try {
      String input = part(header) + "." + part(claims);
      String alg = header.getString("alg");
      Signature sig = Signature.getInstance("ES256".equals(alg) ? "SHA256withECDSAinP1363Format" : "SHA256withRSA");
      sig.initSign(key);
      sig.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(sig.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token with no signature at all ({@code alg: none} attacks). */
  public static String unsigned(JsonObject header, JsonObject claims) {
    return part(header) + "." + part(claims) + ".";
  }

  public static String part(JsonObject json) {
    return b64(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  public static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
