package io.linkexport.http;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Failures;
import io.linkexport.bus.ServiceException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The router's failure handler and the one error body: {@code {"success": false, "error": {"code", "message",
 * "field"?}}} with the failure's status and its Retry-After. Client errors are not logged as errors; server errors
 * are logged once with an id the response carries, so a user report can be matched to the log.
 */
public final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  /** Set once the body handler has read the request's body (see {@link #bodyRead}). */
  private static final String BODY_READ = "linkexport.bodyRead";

  private ApiErrors() {
  }

  /**
   * Runs right after the body handler: an API request that fails before it failed while its body was read. The body
   * handler decodes form bodies with Netty's decoder before any route runs, and that decoder throws on some of them
   * (a lone tab: IllegalArgumentException), which was a 500; such a body is the client's (a 400 naming the body).
   */
  public static void bodyRead(RoutingContext ctx) {
    ctx.put(BODY_READ, Boolean.TRUE);
    ctx.next();
  }

  public static void handle(RoutingContext ctx) {
    Throwable err = ctx.failure();
    ServiceException failure = toService(ctx, err);
    if (failure.status() == 503) {
      LOG.warn("{} {} unavailable: {}", ctx.request().method(), ctx.request().path(),
        err == null ? "-" : err.toString());
    } else if (failure.status() >= 500) {
      String id = UUID.randomUUID().toString();
      LOG.error("{} {} failed (error id {})", ctx.request().method(), ctx.request().path(), id, err);
      failure = failure.withMessage(failure.getMessage() + " (error id " + id + ")");
    }
    send(ctx, failure);
  }

  private static ServiceException toService(RoutingContext ctx, Throwable err) {
    if (err == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      return new ServiceException(ErrorCode.forStatus(status), defaultMessage(status));
    }
    if (err instanceof HttpException he) {
      // vertx-web's own failures: body too large (413), bad JSON body (400), ...
      int status = he.getStatusCode();
      return new ServiceException(ErrorCode.forStatus(status), status == 413 ? "request body too large"
        : he.getPayload() != null ? he.getPayload() : defaultMessage(status));
    }
    if (err instanceof DecodeException) {
      return ServiceException.badRequest("body", "request body must be a JSON object");
    }
    if (ctx.get(BODY_READ) == null && ctx.request().path().startsWith("/api/")) {
      return ServiceException.badRequest("body", "the request body could not be read: send a JSON object with"
        + " Content-Type: application/json");
    }
    return Failures.toService(err);
  }

  public static void send(RoutingContext ctx, ServiceException failure) {
    HttpServerResponse res = ctx.response();
    if (res.headWritten()) {
      res.reset();
      return;
    }
    if (failure.retryAfterSeconds() > 0) {
      res.putHeader("Retry-After", String.valueOf(failure.retryAfterSeconds()));
    }
    if (failure.status() == 401) {
      res.putHeader("WWW-Authenticate", "Bearer");
    }
    res.setStatusCode(failure.status())
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(body(failure));
  }

  /** The error body of a failure (also for the few places that answer without a routing context). */
  public static String body(ServiceException failure) {
    JsonObject error = failure.toJson();
    error.remove("retryAfter"); // a header over HTTP
    return new JsonObject().put("success", false).put("error", error).encode();
  }

  private static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "authentication required";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 406 -> "not acceptable";
      case 413 -> "request body too large";
      case 415 -> "unsupported media type";
      default -> status >= 500 ? "internal error" : "request failed";
    };
  }
}
