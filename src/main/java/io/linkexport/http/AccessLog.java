package io.linkexport.http;

import io.linkexport.telemetry.RequestContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request id ({@code X-Request-Id}: the proxy's when acceptable, else a new one; echoed in the response and in
 * the MDC of every log line of the request, see {@link RequestContext}) and one access-log line per request: method,
 * route template (never the raw path, which carries project and job ids), status and duration. Logger
 * {@code io.linkexport.access}; the fields are also key-value pairs, so JSON logs carry them as fields.
 */
final class AccessLog {

  private static final Logger LOG = LoggerFactory.getLogger("io.linkexport.access");
  static final String UNMATCHED = "(unmatched)";

  private AccessLog() {
  }

  /** Binds the request's id to its context and echoes it; the first thing done with every request. */
  static void begin(HttpServerRequest req) {
    String id = RequestContext.accept(req.getHeader(RequestContext.HEADER));
    RequestContext.bind(id);
    req.response().putHeader(RequestContext.HEADER, id);
  }

  /** The router's first handler: logs the request when its response ends (or its connection closes first). */
  static void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    RequestContext.Info info = RequestContext.current();
    // A response written in full has its status even when the connection then failed or closed before the end
    // handler ran (an h2c upgrade's first stream does); "closed" is for a response that never ended.
    ctx.addEndHandler(ar -> log(ctx.request(), info == null ? null : info.route(),
      ar.succeeded() || ctx.response().ended() ? ctx.response().getStatusCode() : 0, started));
    ctx.next();
  }

  /** A request answered before routing (a malformed URI). */
  static void answeredEarly(HttpServerRequest req, long started) {
    log(req, UNMATCHED, req.response().getStatusCode(), started);
  }

  /** {@code handler} for {@code route}, which names the route's template for the access log and the metrics. */
  static void serve(Route route, Handler<RoutingContext> handler) {
    String template = route.getPath() == null ? UNMATCHED : route.getPath();
    route.handler(ctx -> {
      RequestContext.route(template);
      handler.handle(ctx);
    });
  }

  private static void log(HttpServerRequest req, String route, int status, long started) {
    long micros = (System.nanoTime() - started) / 1_000;
    String template = route == null ? UNMATCHED : route;
    LOG.atInfo().addKeyValue("method", req.method().name()).addKeyValue("route", template)
      .addKeyValue("status", status).addKeyValue("durationMs", micros / 1000.0)
      .log("{} {} {} {} ms", req.method(), template, status == 0 ? "closed" : status, micros / 1000.0);
  }
}
