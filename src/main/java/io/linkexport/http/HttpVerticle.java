package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.NodeState;
import io.linkexport.telemetry.RequestContext;
import io.linkexport.telemetry.Telemetry;
import io.linkexport.ServiceVerticle;
import io.linkexport.db.Db;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.ServiceException;
import io.linkexport.export.ExportClient;
import io.linkexport.export.ScheduleClient;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.ApiKeys;
import io.linkexport.http.auth.AuthHandler;
import io.linkexport.http.auth.SessionTokenVerifier;
import io.linkexport.http.auth.UserDirectory;
import io.linkexport.links.LinksClient;
import io.linkexport.projects.ProjectsClient;
import io.linkexport.webhooks.WebhookClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The HTTP API: routes, authentication and the error body; no business logic (handlers call the query and export
 * verticles over the event bus). Its small pool serves authorisation look-ups and {@code /health} only.
 */
public class HttpVerticle extends ServiceVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** Export requests carry filters only; anything larger is not a filter. */
  static final long MAX_BODY_BYTES = 16 * 1024;
  static final String API = "/api/v1/projects/:projectId/links";
  /** The API's OpenAPI document, packaged from docs/openapi.json (pom.xml, resources). */
  static final String OPENAPI_RESOURCE = "openapi/openapi.json";

  private final NodeState node;
  private HttpServer server;

  public HttpVerticle(NodeState node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    AppConfig config = settings();
    Pool pool = pool(config, Db.Workload.HTTP, config.pgHttpPoolSize());
    WebClient web = webClient(new WebClientOptions());
    SessionTokenVerifier sessions = new SessionTokenVerifier(vertx, web, config);
    closeOnStop(() -> {
      sessions.close();
      return Future.succeededFuture();
    });
    AccessControl access = new AccessControl(pool, config.accessCacheMillis());
    BusClient bus = BusClient.local(vertx.eventBus(), config.busSendTimeoutMillis());
    LinksHandler links = new LinksHandler(new LinksClient(bus), access, new JsonObject()
      .put("exportMaxRows", config.exportMaxRows()).put("exportMaxTotalRows", config.exportMaxTotalRows()),
      Telemetry.meters(vertx));
    ProjectsHandler projects = new ProjectsHandler(new ProjectsClient(bus), access);
    ExportHandler exports = new ExportHandler(new ExportClient(bus), access, new UserDirectory(pool));
    WebhooksHandler webhooks = new WebhooksHandler(new WebhookClient(bus), access);

    Router router = Router.router(vertx);
    router.route().handler(AccessLog::handle);
    operations(router, config, pool);
    // The body handler must run before anything asynchronous (authentication) or the body is lost.
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route("/api/*").handler(ApiErrors::bodyRead);
    router.route("/api/*").handler(new AuthHandler(sessions, new ApiKeys(pool)));
    AccessLog.serve(router.get("/api/v1/projects"), projects::list);
    AccessLog.serve(router.get("/api/v1/projects/:projectId/tags"), projects::tags);
    AccessLog.serve(router.get("/api/v1/projects/:projectId/folders"), projects::folders);
    AccessLog.serve(router.get(API), links::list);
    AccessLog.serve(router.get(API + "/count"), links::count);
    AccessLog.serve(router.post(API + "/export"), exports::start);
    AccessLog.serve(router.get(API + "/export"), exports::list);
    AccessLog.serve(router.get(API + "/export/:jobId"), exports::status);
    AccessLog.serve(router.delete(API + "/export/:jobId"), exports::cancel);
    webhooks.mount(router);
    new SchedulesHandler(new ScheduleClient(bus), access, new UserDirectory(pool)).mount(router);
    dashboard(router);
    router.route().failureHandler(ApiErrors::handle);
    router.route().last().handler(ctx -> ApiErrors.send(ctx, ServiceException.notFound("no such endpoint")));

    return sessions.start()
      .compose(v -> vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true)
          .setMaxInitialLineLength(8192).setMaxHeaderSize(16 * 1024))
        .requestHandler(req -> {
          long started = System.nanoTime();
          AccessLog.begin(req);
          // Every response, success or error, API or page: a browser must never guess another type than the one sent.
          req.response().putHeader("X-Content-Type-Options", "nosniff");
          // A malformed percent-escape fails inside the router (plain-text 400 and an error log); answer it here.
          if (Paths.malformedUri(req.uri())) {
            req.response().setStatusCode(400).putHeader("Content-Type", "application/json; charset=utf-8")
              .end(ApiErrors.body(ServiceException.badRequest("uri", "the request URI has a malformed %-escape")));
            AccessLog.answeredEarly(req, started);
            return;
          }
          router.handle(req);
        })
        .listen(config.httpPort(), config.httpHost()))
      .onSuccess(s -> {
        server = s;
        LOG.info("HTTP API listening on {}:{}", config.httpHost(), s.actualPort());
      });
  }

  /** The dashboard (issue 7): static files, strict CSP (no inline script or style), short cache. */
  private static void dashboard(Router router) {
    router.get("/*").handler(ctx -> {
      RequestContext.route("/*");
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.get("/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(300).setIndexPage("index.html")
      .setDirectoryListing(false));
  }

  /**
   * Health, metrics and the API contract, none of which needs credentials: {@code /health/live},
   * {@code /health/ready} (and {@code /health}, its alias), {@code /metrics} unless it has a port of its own
   * ({@code METRICS_PORT}), and {@code /openapi.json} (the document of this API, from the classpath).
   */
  private void operations(Router router, AppConfig config, Pool pool) {
    Handler<RoutingContext> noStore = ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      ctx.next();
    };
    HealthCheckHandler live = HealthCheckHandler.createWithHealthChecks(Health.liveness(vertx));
    HealthCheckHandler ready = HealthCheckHandler.createWithHealthChecks(Health.readiness(vertx, pool, node));
    for (String path : new String[] {"/health/live", "/health/ready", "/health"}) {
      router.get(path).handler(noStore);
      AccessLog.serve(router.get(path), path.equals("/health/live") ? live : ready);
    }
    if (config.ops().metricsPort() == 0) {
      MetricsVerticle.mount(router, vertx);
    }
    AccessLog.serve(router.get("/openapi.json"), ctx -> vertx.fileSystem().readFile(OPENAPI_RESOURCE)
      .onSuccess(doc -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "max-age=300").end(doc))
      .onFailure(ctx::fail));
  }

  /**
   * Graceful stop of this server (draining): no new connections; requests in flight finish within {@code timeoutMs},
   * then their connections are closed. HTTP/1.1 connections are closed after their current response.
   */
  public Future<Void> shutdown(long timeoutMs) {
    return server == null ? Future.succeededFuture() : server.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The bound port (tests use port 0). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(super::stop);
  }
}
