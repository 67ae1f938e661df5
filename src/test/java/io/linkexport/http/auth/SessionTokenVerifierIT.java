package io.linkexport.http.auth;

import io.linkexport.AppConfig;
import io.linkexport.bus.ServiceException;
import io.linkexport.support.Await;
import io.linkexport.support.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verifies that session tokens are accepted only as RFC 8725 asks; each attack in the table must be refused. */
class SessionTokenVerifierIT {

  static final String ISSUER = "https://project.supabase.co/auth/v1";
  static Vertx vertx;
  static HttpServer jwksServer;
  static volatile JsonArray served = new JsonArray();
  static volatile boolean jwksDown;
  static final AtomicInteger jwksHits = new AtomicInteger();
  static final AtomicInteger evilHits = new AtomicInteger();
  /** JWKS of the tests that run a verifier of their own, by path; requests to a path in holding wait in held. */
  static final Map<String, JsonObject> ownJwks = new ConcurrentHashMap<>();
  static final Map<String, AtomicInteger> ownHits = new ConcurrentHashMap<>();
  static final Set<String> holding = ConcurrentHashMap.newKeySet();
  static final Queue<HttpServerRequest> held = new ConcurrentLinkedQueue<>();
  static KeyPair ec;
  static KeyPair rsa;
  static KeyPair rotated;
  static SessionTokenVerifier verifier;
  static final UUID USER = UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    ec = ecGen.generateKeyPair();
    rotated = ecGen.generateKeyPair();
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    rsa = rsaGen.generateKeyPair();
    served = new JsonArray().add(ecJwk("ec-1", ec)).add(rsaJwk("rsa-1", rsa));
    jwksServer = vertx.createHttpServer().requestHandler(req -> {
      JsonObject own = ownJwks.get(req.path());
      if (own != null) {
        ownHits.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
        if (holding.contains(req.path())) {
          held.add(req);
        } else {
          answer(req, own);
        }
        return;
      }
      if (req.path().equals("/evil")) {
        evilHits.incrementAndGet();
      } else {
        jwksHits.incrementAndGet();
      }
      if (jwksDown) {
        req.response().setStatusCode(503).end();
      } else {
        req.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("keys", served).encode());
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    verifier = new SessionTokenVerifier(vertx, WebClient.create(vertx), AppConfig.from(new JsonObject()
      .put(AppConfig.SUPABASE_JWT_SECRET, TestTokens.SECRET)
      .put(AppConfig.SUPABASE_JWKS_URL, jwks())
      .put(AppConfig.SUPABASE_JWT_ISSUER, ISSUER)));
    get(() -> verifier.start());
    assertThat(verifier.cachedKeys()).isEqualTo(2);
  }

  @AfterAll
  static void stop() {
    verifier.close();
    vertx.close();
  }

  static String jwks() {
    return "http://127.0.0.1:" + jwksServer.actualPort() + "/jwks";
  }

  static void answer(HttpServerRequest req, JsonObject jwks) {
    req.response().putHeader("Content-Type", "application/json").end(jwks.encode());
  }

  static JsonObject keySet(JsonObject... jwks) {
    JsonArray keys = new JsonArray();
    for (JsonObject k : jwks) {
      keys.add(k);
    }
    return new JsonObject().put("keys", keys);
  }

  /** A verifier of a test's own, on the JWKS served at {@code path}. */
  static SessionTokenVerifier ownVerifier(String path, long refreshMs) {
    return new SessionTokenVerifier(vertx, WebClient.create(vertx), AppConfig.from(new JsonObject()
      .put(AppConfig.SUPABASE_JWT_SECRET, TestTokens.SECRET)
      .put(AppConfig.SUPABASE_JWKS_URL, "http://127.0.0.1:" + jwksServer.actualPort() + path)
      .put(AppConfig.SUPABASE_JWT_ISSUER, ISSUER)
      .put(AppConfig.JWKS_REFRESH_MS, refreshMs)));
  }

  static JsonObject ecJwk(String kid, KeyPair kp) {
    ECPublicKey k = (ECPublicKey) kp.getPublic();
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("kid", kid).put("use", "sig")
      .put("alg", "ES256").put("x", TestTokens.b64(unsigned(k.getW().getAffineX(), 32)))
      .put("y", TestTokens.b64(unsigned(k.getW().getAffineY(), 32)));
  }

  static JsonObject rsaJwk(String kid, KeyPair kp) {
    RSAPublicKey k = (RSAPublicKey) kp.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("alg", "RS256")
      .put("n", TestTokens.b64(unsigned(k.getModulus(), 256))).put("e", TestTokens.b64(k.getPublicExponent().toByteArray()));
  }

  static byte[] unsigned(BigInteger v, int len) {
    byte[] raw = v.toByteArray();
    if (raw.length == len) {
      return raw;
    }
    byte[] out = new byte[len];
    if (raw.length > len) {
      System.arraycopy(raw, raw.length - len, out, 0, len);
    } else {
      System.arraycopy(raw, 0, out, len - raw.length, raw.length);
    }
    return out;
  }

  static <T> T get(Supplier<io.vertx.core.Future<T>> f) {
    try {
      return f.get().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static JsonObject good() {
    return TestTokens.claims(USER, "u@example.com", Duration.ofHours(1)).put("iss", ISSUER);
  }

  static JsonObject hs() {
    return new JsonObject().put("alg", "HS256").put("typ", "JWT");
  }

  static JsonObject es(String kid) {
    return new JsonObject().put("alg", "ES256").put("typ", "JWT").put("kid", kid);
  }

  static String hsToken(JsonObject claims) {
    return TestTokens.hs256(hs(), claims, TestTokens.SECRET);
  }

  @Test
  void acceptsAGoodHs256Session() {
    Principal p = get(() -> verifier.verify(hsToken(good())));
    assertThat(p.kind()).isEqualTo(Principal.Kind.SESSION);
    assertThat(p.userId()).isEqualTo(USER);
    assertThat(p.email()).isEqualTo("u@example.com");
  }

  /** A remembered token (see the class comment of SessionTokenVerifier) still expires on time. */
  @Test
  void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    // Valid for two more seconds, thanks to the leeway.
    String token = hsToken(good().put("exp", now - SessionTokenVerifier.LEEWAY_SECONDS + 2));
    assertThat(get(() -> verifier.verify(token)).userId()).isEqualTo(USER);
    assertThat(get(() -> verifier.verify(token)).userId()).isEqualTo(USER);
    Thread.sleep(3_500);
    assertThatThrownBy(() -> get(() -> verifier.verify(token))).isInstanceOf(ServiceException.class)
      .hasMessageContaining("expired");
  }

  /** Only the exact text of a verified token is remembered: same claims with another signature is another token. */
  @Test
  void aRememberedTokenVouchesForNoOtherText() {
    String token = hsToken(good());
    assertThat(get(() -> verifier.verify(token)).userId()).isEqualTo(USER);
    String resigned = TestTokens.hs256(hs(), good(), "another-secret-of-at-least-32-bytes-0123456789");
    String truncated = token.substring(0, token.length() - 2);
    for (String forged : new String[] {resigned, truncated}) {
      assertThatThrownBy(() -> get(() -> verifier.verify(forged))).isInstanceOf(ServiceException.class);
    }
  }

  @Test
  void acceptsEs256AndRs256SessionsSignedWithJwksKeys() {
    assertThat(get(() -> verifier.verify(TestTokens.sign(es("ec-1"), good(), ec.getPrivate()))).userId())
      .isEqualTo(USER);
    JsonObject rs = new JsonObject().put("alg", "RS256").put("kid", "rsa-1");
    assertThat(get(() -> verifier.verify(TestTokens.sign(rs, good(), rsa.getPrivate()))).userId()).isEqualTo(USER);
  }

  static Stream<Arguments> attacks() {
    JsonObject g = good();
    long now = System.currentTimeMillis() / 1000;
    String goodHs = hsToken(g);
    String[] parts = goodHs.split("\\.");
    byte[] rsaPublic = rsa.getPublic().getEncoded();
    return Stream.of(
      Arguments.of("alg none, no signature", TestTokens.unsigned(new JsonObject().put("alg", "none"), g)),
      Arguments.of("alg None", TestTokens.unsigned(new JsonObject().put("alg", "None"), g)),
      Arguments.of("alg NONE with a signature", TestTokens.unsigned(new JsonObject().put("alg", "NONE"), g) + parts[2]),
      Arguments.of("alg none with a valid HS256 signature", TestTokens.part(new JsonObject().put("alg", "none"))
        + "." + parts[1] + "." + parts[2]),
      Arguments.of("signature stripped", parts[0] + "." + parts[1] + "."),
      Arguments.of("bad signature", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 10)
        + (parts[2].charAt(10) == 'A' ? 'B' : 'A') + parts[2].substring(11)),
      Arguments.of("claims swapped under a valid signature", parts[0] + "."
        + TestTokens.part(g.copy().put("sub", UUID.randomUUID().toString())) + "." + parts[2]),
      Arguments.of("expired", hsToken(g.copy().put("exp", now - 120))),
      Arguments.of("no exp", hsToken(without(g, "exp"))),
      Arguments.of("exp as a string", hsToken(g.copy().put("exp", String.valueOf(now + 3600)))),
      Arguments.of("nbf in the future", hsToken(g.copy().put("nbf", now + 3600))),
      Arguments.of("wrong aud", hsToken(g.copy().put("aud", "anon"))),
      Arguments.of("no aud", hsToken(without(g, "aud"))),
      Arguments.of("role anon", hsToken(g.copy().put("role", "anon"))),
      Arguments.of("role service_role", hsToken(g.copy().put("role", "service_role"))),
      Arguments.of("wrong iss", hsToken(g.copy().put("iss", "https://evil.example/auth/v1"))),
      Arguments.of("sub not a uuid", hsToken(g.copy().put("sub", "admin"))),
      Arguments.of("signed with another secret", TestTokens.hs256(hs(), g, "another-secret-that-is-long-enough-0123456789")),
      Arguments.of("HS256 signed with the RSA public key (key confusion)",
        TestTokens.hmac(hs().put("kid", "rsa-1"), g, rsaPublic)),
      Arguments.of("HS384", TestTokens.hs256(new JsonObject().put("alg", "HS384"), g, TestTokens.SECRET)),
      Arguments.of("ES256 with an unknown kid", TestTokens.sign(es("nope"), g, ec.getPrivate())),
      Arguments.of("ES256 without kid", TestTokens.sign(new JsonObject().put("alg", "ES256"), g, ec.getPrivate())),
      Arguments.of("ES256 token naming the RSA key", TestTokens.sign(es("rsa-1"), g, ec.getPrivate())),
      Arguments.of("RS256 token naming the EC key", TestTokens.sign(new JsonObject().put("alg", "RS256").put("kid", "ec-1"),
        g, rsa.getPrivate())),
      Arguments.of("ES256 signed by a key not in the JWKS", TestTokens.sign(es("ec-1"), g, rotated.getPrivate())),
      Arguments.of("jku pointing at an attacker's JWKS", TestTokens.sign(es("evil").put("jku",
        "http://127.0.0.1:" + jwksServer.actualPort() + "/evil"), g, rotated.getPrivate())),
      Arguments.of("embedded jwk header", TestTokens.sign(es("evil").put("jwk", ecJwk("evil", rotated)), g,
        rotated.getPrivate())),
      Arguments.of("crit header", TestTokens.hs256(hs().put("crit", new JsonArray().add("exp")), g, TestTokens.SECRET)),
      Arguments.of("two parts", parts[0] + "." + parts[1]),
      Arguments.of("four parts", goodHs + ".x"),
      Arguments.of("bad base64", "%%%." + parts[1] + "." + parts[2]),
      Arguments.of("header not json", TestTokens.b64("nope".getBytes()) + "." + parts[1] + "." + parts[2]),
      Arguments.of("empty", ""));
  }

  static JsonObject without(JsonObject o, String key) {
    JsonObject c = o.copy();
    c.remove(key);
    return c;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void refuses(String attack, String token) {
    assertThatThrownBy(() -> get(() -> verifier.verify(token)))
      .as(attack)
      .isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.status()).isEqualTo(401);
        assertThat(e.getMessage()).doesNotContain(token.isEmpty() ? "\u0000" : token);
      });
  }

  @Test
  void neverFetchesAJkuUrl() {
    int before = evilHits.get();
    assertThatThrownBy(() -> get(() -> verifier.verify(TestTokens.sign(es("evil-2").put("jku",
      "http://127.0.0.1:" + jwksServer.actualPort() + "/evil"), good(), rotated.getPrivate()))));
    assertThat(evilHits.get()).isEqualTo(before);
  }

  @Test
  void unknownKidsRefreshTheJwksAtMostOncePerMinuteAndRotationWorks() {
    // A new key appears at the identity provider.
    served = new JsonArray().add(ecJwk("ec-1", ec)).add(rsaJwk("rsa-1", rsa)).add(ecJwk("ec-2", rotated));
    int before = jwksHits.get();
    String fromNewKey = TestTokens.sign(es("ec-2"), good(), rotated.getPrivate());
    // The first unknown kid may or may not fall within a minute of the last fetch; force the window open.
    verifierBackdate();
    assertThat(get(() -> verifier.verify(fromNewKey)).userId()).isEqualTo(USER);
    assertThat(jwksHits.get()).isEqualTo(before + 1);
    for (int i = 0; i < 5; i++) {
      String random = TestTokens.sign(es("random-" + i), good(), rotated.getPrivate());
      assertThatThrownBy(() -> get(() -> verifier.verify(random))).isInstanceOf(ServiceException.class);
    }
    assertThat(jwksHits.get()).isEqualTo(before + 1);
  }

  @Test
  void cachedKeysKeepWorkingWhileTheJwksEndpointIsDown() {
    jwksDown = true;
    try {
      verifierBackdate();
      String unknown = TestTokens.sign(es("unknown-while-down"), good(), ec.getPrivate());
      assertThatThrownBy(() -> get(() -> verifier.verify(unknown))).isInstanceOf(ServiceException.class);
      assertThat(get(() -> verifier.verify(TestTokens.sign(es("ec-1"), good(), ec.getPrivate()))).userId())
        .isEqualTo(USER);
    } finally {
      jwksDown = false;
    }
  }

  /**
   * Verifies that a JWKS answer without a usable key (an empty set, no set, only keys we cannot use) keeps the cached
   * keys: replacing them would refuse every asymmetric session until the endpoint recovered.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"keys\": []}", "{}", "{\"keys\": [{\"kty\": \"oct\", \"kid\": \"s\", \"k\": \"c2VjcmV0\"}]}"})
  void aJwksAnswerWithoutUsableKeysKeepsTheCachedKeys(String answer) {
    String path = "/emptied-" + UUID.randomUUID();
    ownJwks.put(path, keySet(ecJwk("ec-1", ec)));
    SessionTokenVerifier own = ownVerifier(path, 600_000);
    try {
      get(own::start);
      assertThat(own.cachedKeys()).isEqualTo(1);
      ownJwks.put(path, new JsonObject(answer));
      own.backdateLastFetch();
      // An unknown kid fetches the JWKS again and waits for the answer: it has been installed when this returns.
      assertThatThrownBy(() -> get(() -> own.verify(TestTokens.sign(es("not-there"), good(), ec.getPrivate()))))
        .isInstanceOf(ServiceException.class);
      assertThat(ownHits.get(path).get()).as("JWKS fetches").isEqualTo(2);
      assertThat(own.cachedKeys()).isEqualTo(1);
      assertThat(get(() -> own.verify(TestTokens.sign(es("ec-1"), good(), ec.getPrivate()))).userId())
        .isEqualTo(USER);
    } finally {
      own.close();
    }
  }

  /**
   * Verifies that a token signed with a just-rotated key that arrives while a periodic refresh is in flight waits for
   * that fetch and is accepted once it lands; it used to be refused at once, and for up to a minute after (the
   * unknown-kid fetch is rate limited, and the periodic fetch had just counted as one).
   */
  @Test
  void aRotatedKidArrivingDuringAPeriodicRefreshIsAcceptedOnceTheFetchLands() throws Exception {
    String path = "/rotating-" + UUID.randomUUID();
    ownJwks.put(path, keySet(ecJwk("ec-1", ec)));
    SessionTokenVerifier own = ownVerifier(path, 1_000);
    try {
      get(own::start);
      holding.add(path);
      Await.until("a periodic JWKS refresh to reach the endpoint", Duration.ofSeconds(10), () -> !held.isEmpty());
      // The identity provider rotates while the fetch is under way; its answer carries the new key.
      ownJwks.put(path, keySet(ecJwk("ec-1", ec), ecJwk("ec-2", rotated)));
      Future<Principal> pending = own.verify(TestTokens.sign(es("ec-2"), good(), rotated.getPrivate()));
      holding.remove(path);
      for (HttpServerRequest req = held.poll(); req != null; req = held.poll()) {
        answer(req, ownJwks.get(path));
      }
      assertThat(Await.result(pending, Duration.ofSeconds(10)).userId()).isEqualTo(USER);
    } finally {
      own.close();
      holding.clear();
      for (HttpServerRequest req = held.poll(); req != null; req = held.poll()) {
        req.response().setStatusCode(503).end();
      }
    }
  }

  @Test
  void refusesToRunWithoutKeysOrWithAShortSecret() {
    assertThatThrownBy(() -> new SessionTokenVerifier(vertx, WebClient.create(vertx), AppConfig.from(new JsonObject())))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("unsecured");
    assertThatThrownBy(() -> new SessionTokenVerifier(vertx, WebClient.create(vertx), AppConfig.from(new JsonObject()
      .put(AppConfig.SUPABASE_JWT_SECRET, "short")))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withOnlyAJwksHs256IsRefused() {
    SessionTokenVerifier jwksOnly = new SessionTokenVerifier(vertx, WebClient.create(vertx), AppConfig.from(
      new JsonObject().put(AppConfig.SUPABASE_JWKS_URL, jwks())));
    get(jwksOnly::start);
    assertThatThrownBy(() -> get(() -> jwksOnly.verify(hsToken(good())))).isInstanceOf(ServiceException.class);
    assertThat(get(() -> jwksOnly.verify(TestTokens.sign(es("ec-1"), good(), ec.getPrivate()))).userId())
      .isEqualTo(USER);
    jwksOnly.close();
  }

  private static void verifierBackdate() {
    verifier.backdateLastFetch();
  }
}
