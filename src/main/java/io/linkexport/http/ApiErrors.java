package io.linkexport.http;

import io.linkexport.bus.BusReplies;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The router's failure handler and the one error body:
 * {@code {"success": false, "error": {"code", "message", "field"?}}}. Client errors are not logged as errors; server
 * errors are logged once with an id the response carries, so a user report can be matched to the log.
 */
public final class ApiErrors {

  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {
  }

  public static void handle(RoutingContext ctx) {
    Throwable err = ctx.failure();
    ApiException api;
    if (err == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      api = new ApiException(status, BusReplies.codeName(status), defaultMessage(status));
    } else if (err instanceof HttpException he) {
      // vertx-web's own failures: body too large (413), bad JSON body (400), ...
      int status = he.getStatusCode();
      api = new ApiException(status, BusReplies.codeName(status),
        status == 413 ? "request body too large" : he.getPayload() != null ? he.getPayload() : defaultMessage(status));
    } else if (err instanceof io.vertx.core.json.DecodeException) {
      api = ApiException.badRequest("body", "request body must be a JSON object");
    } else {
      api = BusReplies.toApi(err);
    }
    if (api.status() == 503) {
      LOG.warn("{} {} unavailable: {}", ctx.request().method(), ctx.request().path(),
        err == null ? "-" : err.toString());
    } else if (api.status() >= 500) {
      String id = UUID.randomUUID().toString();
      LOG.error("{} {} failed (error id {})", ctx.request().method(), ctx.request().path(), id, err);
      api = new ApiException(api.status(), api.code(), api.getMessage() + " (error id " + id + ")");
    }
    send(ctx, api);
  }

  public static void send(RoutingContext ctx, ApiException api) {
    HttpServerResponse res = ctx.response();
    if (res.headWritten()) {
      res.reset();
      return;
    }
    JsonObject error = new JsonObject().put("code", api.code()).put("message", api.getMessage());
    if (api.field() != null) {
      error.put("field", api.field());
    }
    if (api.retryAfterSeconds() > 0) {
      res.putHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
    }
    if (api.status() == 401) {
      res.putHeader("WWW-Authenticate", "Bearer");
    }
    res.setStatusCode(api.status())
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(new JsonObject().put("success", false).put("error", error).encode());
  }

  /** The error body of an exception, for the few places that answer without a routing context. */
  public static String body(ApiException api) {
    JsonObject error = new JsonObject().put("code", api.code()).put("message", api.getMessage());
    if (api.field() != null) {
      error.put("field", api.field());
    }
    return new JsonObject().put("success", false).put("error", error).encode();
  }

  private static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "authentication required";
      case 403 -> "forbidden";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      case 415 -> "unsupported media type";
      default -> status >= 500 ? "internal error" : "request failed";
    };
  }
}
