package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.ServiceVerticle;
import io.linkexport.bus.ServiceException;
import io.linkexport.telemetry.Telemetry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in Prometheus's text format: on the API's port, or on a port of its own when
 * {@code METRICS_PORT} is set (this verticle), so that it can stay off the public network. With
 * {@code METRICS_ENABLED=false} it answers 404.
 */
public class MetricsVerticle extends ServiceVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private HttpServer server;

  /** Adds {@code /metrics} to {@code router}. */
  static void mount(Router router, Vertx vertx) {
    PrometheusMeterRegistry registry = Telemetry.prometheus(vertx);
    AccessLog.serve(router.get("/metrics"), registry == null
      ? ctx -> ApiErrors.send(ctx, ServiceException.notFound("metrics are off (METRICS_ENABLED=false)"))
      : PrometheusScrapingHandler.create(registry));
  }

  @Override
  public Future<?> start() {
    AppConfig config = settings();
    Router router = Router.router(vertx);
    router.route().handler(AccessLog::handle);
    mount(router, vertx);
    router.route().last().handler(ctx -> ApiErrors.send(ctx, ServiceException.notFound("no such endpoint")));
    return vertx.createHttpServer().requestHandler(req -> {
      AccessLog.begin(req);
      router.handle(req);
    }).listen(config.ops().metricsPort(), config.httpHost()).onSuccess(s -> {
      server = s;
      LOG.info("metrics on {}:{}/metrics", config.httpHost(), s.actualPort());
    });
  }

  @Override
  public Future<?> stop() {
    return (server == null ? Future.<Void>succeededFuture() : server.close()).eventually(super::stop);
  }
}
