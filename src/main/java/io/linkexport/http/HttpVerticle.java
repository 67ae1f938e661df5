package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.ServiceVerticle;
import io.linkexport.db.Db;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.ServiceException;
import io.linkexport.export.ExportClient;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.ApiKeys;
import io.linkexport.http.auth.AuthHandler;
import io.linkexport.http.auth.SessionTokenVerifier;
import io.linkexport.http.auth.UserDirectory;
import io.linkexport.links.LinksClient;
import io.linkexport.projects.ProjectsClient;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: routes, authentication and the error body; no business logic (handlers call the query and export
 * verticles over the event bus). Its small pool serves authorisation look-ups and {@code /health} only.
 */
public class HttpVerticle extends ServiceVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  /** Export requests carry filters only; anything larger is not a filter. */
  static final long MAX_BODY_BYTES = 16 * 1024;
  static final String API = "/api/v1/projects/:projectId/links";

  private HttpServer server;

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
      .put("exportMaxRows", config.exportMaxRows()).put("exportMaxTotalRows", config.exportMaxTotalRows()));
    ProjectsHandler projects = new ProjectsHandler(new ProjectsClient(bus), access);
    ExportHandler exports = new ExportHandler(new ExportClient(bus), access, new UserDirectory(pool));

    Router router = Router.router(vertx);
    router.get("/health").handler(new HealthHandler(pool)::handle);
    // The body handler must run before anything asynchronous (authentication) or the body is lost.
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route("/api/*").handler(new AuthHandler(sessions, new ApiKeys(pool)));
    router.get("/api/v1/projects").handler(projects::list);
    router.get("/api/v1/projects/:projectId/tags").handler(projects::tags);
    router.get("/api/v1/projects/:projectId/folders").handler(projects::folders);
    router.get(API).handler(links::list);
    router.get(API + "/count").handler(links::count);
    router.post(API + "/export").handler(exports::start);
    router.get(API + "/export").handler(exports::list);
    router.get(API + "/export/:jobId").handler(exports::status);
    router.delete(API + "/export/:jobId").handler(exports::cancel);
    // The dashboard (issue 7): static files, strict CSP (no inline script or style), short cache.
    router.get("/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
          + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        .putHeader("Referrer-Policy", "no-referrer");
      ctx.next();
    });
    router.get("/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(300).setIndexPage("index.html")
      .setDirectoryListing(false));
    router.route().failureHandler(ApiErrors::handle);
    router.route().last().handler(ctx -> ApiErrors.send(ctx, ServiceException.notFound("no such endpoint")));

    return sessions.start()
      .compose(v -> vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true)
          .setMaxInitialLineLength(8192).setMaxHeaderSize(16 * 1024))
        .requestHandler(req -> {
          // Every response, success or error, API or page: a browser must never guess another type than the one sent.
          req.response().putHeader("X-Content-Type-Options", "nosniff");
          // A malformed percent-escape fails inside the router (plain-text 400 and an error log); answer it here.
          if (Paths.malformedUri(req.uri())) {
            req.response().setStatusCode(400).putHeader("Content-Type", "application/json; charset=utf-8")
              .end(ApiErrors.body(ServiceException.badRequest("uri", "the request URI has a malformed %-escape")));
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
