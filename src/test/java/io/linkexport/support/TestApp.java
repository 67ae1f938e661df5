package io.linkexport.support;

import io.linkexport.AppConfig;
import io.linkexport.Application;
import io.linkexport.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The whole service, started once per test JVM on the embedded servers with an ephemeral HTTP port, plus a small
 * blocking HTTP client for tests. Export settings are shortened (small lease, fast polling and retries) so fault
 * tests run in seconds.
 */
public final class TestApp {

  private static TestApp instance;

  public final Vertx vertx;
  public final int port;
  public final AppConfig config;
  /** The running service (null for a client of a service started elsewhere). */
  public final Application app;
  private final HttpClient http;

  private TestApp(Vertx vertx, int port, AppConfig config, Application app) {
    this.vertx = vertx;
    this.port = port;
    this.config = config;
    this.app = app;
    // every response of the service that a test receives through this client is checked against the served
    // OpenAPI document (ApiContract); a port of -1 has no HTTP API
    String base = "http://127.0.0.1:" + port;
    // HTTP/1.1: the JDK 17 client's h2c upgrade once read an HTTP/1.1 body as HTTP/2 frames ("Frame type(36)
    // length(2105378) exceeds MAX_FRAME_SIZE", on a fresh clone's run); a load balancer talks HTTP/1.1 to us anyway
    this.http = new ValidatingHttpClient(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build(), base,
      () -> ApiContract.served(base));
  }

  public static synchronized TestApp get() {
    if (instance == null) {
      AppConfig config = testConfig();
      Vertx vertx = Telemetry.vertx(config.ops().metricsEnabled());
      try {
        Application app = Application.start(vertx, config).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
        instance = new TestApp(vertx, app.httpPort(), config, app);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the service for tests", e);
      }
    }
    return instance;
  }

  /**
   * A separate copy of the service on its own new database, for tests that change its configuration or break its
   * dependencies. Close it with {@link #close()}.
   */
  public static TestApp isolated(JsonObject overrides) {
    return start(isolatedConfig(overrides));
  }

  /** The configuration of a new isolated database (migrated), with test settings and {@code overrides}. */
  public static JsonObject isolatedConfig(JsonObject overrides) {
    return testConfig(TestServices.isolatedConfig()).json().mergeIn(overrides);
  }

  /**
   * A node of a cluster: a clustered Vert.x (Hazelcast on loopback, the members in {@code json}) running the service,
   * with or without its HTTP verticle (port -1 without).
   */
  public static TestApp clustered(JsonObject json, boolean http) {
    AppConfig config = AppConfig.from(json);
    Vertx vertx;
    try {
      vertx = io.linkexport.cluster.Clustering.start(config).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot join the test cluster", e);
    }
    try {
      Application app = Application.start(vertx, config, http).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
      return new TestApp(vertx, http ? app.httpPort() : -1, config, app);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("cannot start a cluster node", e);
    }
  }

  /** Starts a copy of the service with exactly this configuration. */
  public static TestApp start(JsonObject json) {
    AppConfig config = AppConfig.from(json);
    Vertx vertx = Telemetry.vertx(config.ops().metricsEnabled());
    try {
      Application app = Application.start(vertx, config).toCompletionStage().toCompletableFuture()
        .get(60, TimeUnit.SECONDS);
      return new TestApp(vertx, app.httpPort(), config, app);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("cannot start an isolated service", e);
    }
  }

  /** Stops the service as SIGTERM does (workers first, then the rest: {@link Application#shutdown}). */
  public void close() {
    try {
      (app == null ? vertx.close() : app.shutdown()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The configuration tests run the service with. */
  public static AppConfig testConfig() {
    return testConfig(TestServices.get().config());
  }

  private static AppConfig testConfig(JsonObject base) {
    JsonObject json = base.copy()
      .put(AppConfig.HTTP_PORT, 0)
      .put(AppConfig.EXPORT_WORKERS, 2)
      .put(AppConfig.EXPORT_LEASE_SECONDS, 6)
      .put(AppConfig.EXPORT_STALL_SECONDS, 20)
      .put(AppConfig.EXPORT_POLL_MS, 200)
      .put(AppConfig.EXPORT_RETRY_BASE_MS, 200)
      .put(AppConfig.EXPORT_MAX_ATTEMPTS, 3)
      .put(AppConfig.EXPORT_PART_SIZE_MB, 5)
      // the default is the cores: the same readers on every machine (exports of 50,000 rows on read in parallel)
      .put(AppConfig.EXPORT_READ_PARALLELISM, 2)
      .put(AppConfig.EXPORT_HOURLY_LIMIT, 1000)
      .put("MAIL_POLL_MS", 200)
      // receivers in tests listen on loopback over plain http; a day of retries in 2.1 s
      .put(AppConfig.WEBHOOK_ALLOW_PRIVATE_TARGETS, true)
      .put(AppConfig.WEBHOOK_RETRY_SCHEDULE, "100ms,200ms,300ms,400ms,500ms,600ms")
      .put(AppConfig.WEBHOOK_TIMEOUT_MS, 3000)
      .put(AppConfig.SCHEDULE_POLL_MS, 1000)
      // a test's service stops at once: nothing balances load over it
      .put(AppConfig.HTTP_DRAIN_DELAY_MS, 0)
      .put(AppConfig.METRICS_SAMPLE_MS, 500);
    return AppConfig.from(json);
  }

  /** A client for a service started elsewhere (the dev stack); closing it is the owner's job. */
  public static TestApp attach(Vertx vertx, int port, AppConfig config) {
    return new TestApp(vertx, port, config, null);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  /** A parsed response. */
  public record Res(int status, JsonObject json, HttpResponse<String> raw) {
    public JsonObject data() {
      return json.getJsonObject("data");
    }

    public String errorCode() {
      return json.getJsonObject("error").getString("code");
    }
  }

  public Res get(String path, String token) {
    return send(builder(path, token).GET().build());
  }

  public Res delete(String path, String token) {
    return send(builder(path, token).DELETE().build());
  }

  public Res patch(String path, String token, String body) {
    return send(builder(path, token).header("Content-Type", "application/json")
      .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Res post(String path, String token, String body) {
    return send(builder(path, token).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private Res send(HttpRequest req) {
    try {
      HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
      JsonObject json = res.body().isEmpty() ? new JsonObject() : new JsonObject(res.body());
      return new Res(res.statusCode(), json, res);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public HttpClient http() {
    return http;
  }
}
