package io.linkexport.http.auth;

import io.linkexport.AppConfig;
import io.linkexport.bus.ServiceException;
import io.linkexport.telemetry.ServiceMeters;
import io.linkexport.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Verifies Supabase session JWTs the way RFC 8725 asks, on top of vertx-auth-jwt (which alone is unsafe: with no
 * keys it accepts {@code alg: none}, it accepts tokens without {@code exp}, and it never refreshes a JWKS):
 * <ul>
 *   <li>algorithms are allowlisted per key type: HS256 only with {@code SUPABASE_JWT_SECRET}; ES256 / RS256 only with
 *   a key from {@code SUPABASE_JWKS_URL} whose type matches; anything else, {@code none} in any spelling included, is
 *   refused before any cryptography runs;</li>
 *   <li>{@code kid} is only a look-up key into the fetched JWKS; {@code jku}, {@code x5u}, {@code jwk} and
 *   {@code x5c} headers are never read, so a token cannot bring its own key;</li>
 *   <li>claims: {@code exp} required (30 s leeway), {@code nbf} honoured, {@code aud} must contain
 *   {@code authenticated}, {@code role} must be {@code authenticated}, {@code iss} must match when configured,
 *   {@code sub} must be a UUID;</li>
 *   <li>the JWKS is fetched at start (a failure there is logged, not fatal: the service starts and keeps retrying,
 *   HS256 sessions work meanwhile), refreshed every {@code JWKS_REFRESH_MS} (10 minutes) and, at most once a
 *   minute, on an unknown {@code kid} (which waits for a fetch already under way rather than being refused); when
 *   the endpoint is down, or answers without a usable key, the cached keys keep working.</li>
 *   <li>a token that passed every check is remembered by its exact text for up to {@link #VERIFIED_TTL_MS} (and
 *   never past its {@code exp} plus the leeway): the dashboard sends the same session token with every request, and
 *   decoding and verifying it each time was about a tenth of the service's CPU on a list page under load. So a key
 *   withdrawn from the JWKS stops working within a minute, not at once; a token that fails is never remembered.</li>
 * </ul>
 */
public final class SessionTokenVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(SessionTokenVerifier.class);
  static final int LEEWAY_SECONDS = SessionClaims.LEEWAY_SECONDS;
  static final long UNKNOWN_KID_MIN_INTERVAL_MS = 60_000;
  static final long VERIFIED_TTL_MS = 60_000;
  private static final int MAX_VERIFIED = 4_096;
  private static final Set<String> HEADER_KEYS_WE_UNDERSTAND = Set.of("alg", "typ", "kid", "cty", "jku", "x5u", "jwk",
    "x5c", "x5t", "x5t#S256");

  private final Vertx vertx;
  private final WebClient web;
  private final String jwksUrl;
  private final String issuer;
  private final long refreshMs;
  private final ServiceMeters meters;
  private final JWTAuth hmac;
  private volatile Map<String, KeyEntry> keys = Map.of();
  private volatile long lastFetchAttempt;
  /** The JWKS fetch under way, or null: every refresh and every unknown kid joins it instead of starting another. */
  private volatile Future<Void> fetching;
  private long timer = -1;

  private record KeyEntry(String alg, JWTAuth auth) {
  }

  /** Recently verified tokens by their exact text (one verifier per HTTP verticle). */
  private final ExpiringCache<String, Principal> verified = new ExpiringCache<>(MAX_VERIFIED);

  public SessionTokenVerifier(Vertx vertx, WebClient web, AppConfig config) {
    this.vertx = vertx;
    this.web = web;
    this.jwksUrl = config.jwksUrl();
    this.issuer = config.jwtIssuer();
    this.refreshMs = config.jwksRefreshMillis();
    this.meters = Telemetry.meters(vertx);
    String secret = config.jwtSecret();
    if (secret.isEmpty() && jwksUrl.isEmpty()) {
      throw new IllegalStateException("no way to verify dashboard sessions: set SUPABASE_JWT_SECRET and/or "
        + "SUPABASE_JWKS_URL (refusing to run unsecured)");
    }
    if (!secret.isEmpty() && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new IllegalStateException("SUPABASE_JWT_SECRET must be at least 32 bytes (RFC 7518 for HS256)");
    }
    this.hmac = secret.isEmpty() ? null : JWTAuth.create(vertx, new JWTAuthOptions()
      .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))
      .setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS)));
  }

  /** Loads the JWKS (if configured) and schedules its refresh. Never fails: see the class comment. */
  public Future<Void> start() {
    if (jwksUrl.isEmpty()) {
      return Future.succeededFuture();
    }
    timer = vertx.setPeriodic(refreshMs, id -> fetchKeys());
    return fetchKeys();
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** The session principal, or a failed Future with a 401 {@link ServiceException} (never echoing the token). */
  public Future<Principal> verify(String token) {
    long nowMs = System.currentTimeMillis();
    Principal known = verified.get(token, nowMs);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    JsonObject header;
    JsonObject claims;
    try {
      String[] parts = token.split("\\.", -1);
      if (parts.length != 3 || parts[2].isEmpty()) {
        throw new IllegalArgumentException();
      }
      header = decode(parts[0]);
      claims = decode(parts[1]);
    } catch (RuntimeException e) {
      return unauthorized("malformed session token");
    }
    for (String name : header.fieldNames()) {
      if ("crit".equals(name) || !HEADER_KEYS_WE_UNDERSTAND.contains(name)) {
        return unauthorized("unsupported token header");
      }
    }
    Future<JWTAuth> verifier = verifierFor(header);
    // Claims are checked first (cheap, and vertx-auth-jwt throws on some malformed claim types), then the signature;
    // nothing is accepted unless both pass.
    Principal principal;
    try {
      principal = SessionClaims.check(claims, nowMs, issuer);
    } catch (ServiceException e) {
      return Future.failedFuture(e);
    }
    return verifier.compose(auth -> authenticate(auth, token)).map(v -> {
      long until = SessionClaims.acceptedUntilMs(SessionClaims.expiry(claims));
      verified.put(token, principal, Math.min(nowMs + VERIFIED_TTL_MS, until));
      return principal;
    });
  }

  /** The key a token's header asks for, if its algorithm is allowed for that kind of key (RFC 8725). */
  private Future<JWTAuth> verifierFor(JsonObject header) {
    String alg = header.getValue("alg") instanceof String s ? s : "";
    if ("HS256".equals(alg)) {
      return hmac == null ? unauthorized("HS256 session tokens are not accepted") : Future.succeededFuture(hmac);
    }
    if ("ES256".equals(alg) || "RS256".equals(alg)) {
      Object kid = header.getValue("kid");
      return kid instanceof String k && !k.isEmpty() ? keyFor(k, alg) : unauthorized("token has no key id");
    }
    return unauthorized("token algorithm not allowed");
  }

  private static Future<Void> authenticate(JWTAuth auth, String token) {
    try {
      return auth.authenticate(new TokenCredentials(token))
        .<Void>mapEmpty()
        .recover(err -> unauthorized("invalid or expired session token"));
    } catch (RuntimeException e) {
      return unauthorized("invalid session token");
    }
  }

  private Future<JWTAuth> keyFor(String kid, String alg) {
    if (jwksUrl.isEmpty()) {
      return unauthorized("asymmetric session tokens are not accepted");
    }
    KeyEntry entry = keys.get(kid);
    Future<KeyEntry> found = entry != null ? Future.succeededFuture(entry)
      : refreshForUnknownKid().map(v -> keys.get(kid));
    return found.compose(e -> {
      if (e == null) {
        return unauthorized("unknown signing key");
      }
      if (!e.alg().equals(alg)) {
        return unauthorized("token algorithm does not match its key");
      }
      return Future.succeededFuture(e.auth());
    });
  }

  /**
   * Refetches the JWKS for an unknown kid, at most once per minute (a flood of random kids costs one fetch). A kid
   * that arrives while a fetch is under way (a periodic refresh, say) waits for it: the fetch may bring its key, and
   * the minute's bound would otherwise refuse a freshly rotated key until the next fetch.
   */
  private Future<Void> refreshForUnknownKid() {
    Future<Void> underWay = fetching;
    if (underWay != null) {
      return underWay;
    }
    if (System.currentTimeMillis() - lastFetchAttempt < UNKNOWN_KID_MIN_INTERVAL_MS) {
      return Future.succeededFuture();
    }
    return fetchKeys();
  }

  private Future<Void> fetchKeys() {
    Future<Void> underWay = fetching;
    if (underWay != null) {
      return underWay;
    }
    lastFetchAttempt = System.currentTimeMillis();
    Future<Void> fetch = web.getAbs(jwksUrl).timeout(5_000).send()
      .compose(res -> res.statusCode() == 200 ? Future.succeededFuture(res.body())
        : Future.failedFuture("JWKS endpoint answered " + res.statusCode()))
      .map(this::install)
      .onSuccess(v -> meters.jwksRefreshed(true))
      .otherwise(err -> {
        meters.jwksRefreshed(false);
        LOG.warn("could not refresh the JWKS from {} (keeping {} cached keys): {}", jwksUrl, keys.size(),
          err.getMessage());
        return null;
      });
    fetching = fetch;
    fetch.onComplete(done -> fetching = null); // at once if it already failed
    return fetch;
  }

  private Void install(Buffer body) {
    Map<String, KeyEntry> next = new HashMap<>();
    JsonArray list = new JsonObject(body).getJsonArray("keys", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject jwk = list.getJsonObject(i).copy();
      String kid = jwk.getString("kid");
      String alg = algFor(jwk);
      if (kid == null || alg == null || jwk.containsKey("use") && !"sig".equals(jwk.getString("use"))) {
        continue;
      }
      jwk.put("alg", alg);
      try {
        JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(jwk)
          .setJWTOptions(new JWTOptions().setLeeway(LEEWAY_SECONDS)));
        next.put(kid, new KeyEntry(alg, auth));
      } catch (RuntimeException e) {
        LOG.warn("ignoring unusable JWK {}: {}", kid, e.getMessage());
      }
    }
    if (next.isEmpty()) {
      // An endpoint answering {"keys": []} (a misconfiguration, a proxy's empty page) must not log everyone out.
      LOG.warn("the JWKS from {} has no usable signing key; keeping the {} cached keys", jwksUrl, keys.size());
      return null;
    }
    keys = Map.copyOf(next);
    LOG.info("loaded {} session signing keys from the JWKS", next.size());
    return null;
  }

  /** ES256 for EC P-256 keys, RS256 for RSA keys; anything else (or a mismatching declared alg) is not used. */
  static String algFor(JsonObject jwk) {
    String kty = jwk.getString("kty");
    String declared = jwk.getString("alg");
    String alg = "EC".equals(kty) && "P-256".equals(jwk.getString("crv")) ? "ES256"
      : "RSA".equals(kty) ? "RS256" : null;
    return alg != null && (declared == null || declared.equals(alg)) ? alg : null;
  }

  private static JsonObject decode(String part) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
  }

  private static <T> Future<T> unauthorized(String message) {
    return Future.failedFuture(ServiceException.unauthorized(message));
  }

  /** Lets the next unknown kid trigger a fetch (tests). */
  void backdateLastFetch() {
    lastFetchAttempt = 0;
  }

  /** Number of cached JWKS keys (tests). */
  int cachedKeys() {
    return keys.size();
  }
}
