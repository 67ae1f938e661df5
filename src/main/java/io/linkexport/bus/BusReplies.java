package io.linkexport.bus;

import io.linkexport.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Supplier;

/**
 * The two sides of the bus contract in one place: servers reply or fail with an HTTP status
 * ({@code msg.fail(status, message)}); clients send with a timeout and turn every {@link ReplyException} back into an
 * {@link ApiException} ({@code TIMEOUT} -> 503, {@code NO_HANDLERS} -> 503, {@code RECIPIENT_FAILURE} -> its code).
 */
public final class BusReplies {

  private static final Logger LOG = LoggerFactory.getLogger(BusReplies.class);
  public static final long SEND_TIMEOUT_MS = 5_000;
  /** Prefix of a failure message that carries a Retry-After: {@code retry-after=<seconds>;<message>}. */
  public static final String RETRY_AFTER = "retry-after=";

  private BusReplies() {
  }

  /** Runs {@code work} and replies with its result, or fails the message with the mapped status. */
  public static void reply(Message<JsonObject> msg, Supplier<Future<JsonObject>> work) {
    Future<JsonObject> f;
    try {
      f = work.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onSuccess(msg::reply).onFailure(err -> fail(msg, err));
  }

  /** Fails a request with the status of the error ({@link #toApi}); 5xx are logged here. */
  public static void fail(Message<?> msg, Throwable err) {
    ApiException api = toApi(err);
    if (api.status() >= 500) {
      LOG.error("{} failed", msg.address(), err);
    }
    // ReplyException carries a code and a message only: a Retry-After travels as a message prefix.
    msg.fail(api.status(), api.retryAfterSeconds() > 0
      ? RETRY_AFTER + api.retryAfterSeconds() + ";" + api.getMessage() : api.getMessage());
  }

  /**
   * Sends a request with the standard timeout to this node's consumer (local only: in a cluster, the HTTP verticle
   * talks to its own node's verticles; every node runs them all); failures arrive as {@link ApiException}.
   */
  public static Future<JsonObject> request(EventBus bus, String address, JsonObject body) {
    return request(bus, address, body, SEND_TIMEOUT_MS);
  }

  public static Future<JsonObject> request(EventBus bus, String address, JsonObject body, long timeoutMs) {
    return bus.<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(true))
      .map(Message::body)
      .recover(err -> Future.failedFuture(toApi(err)));
  }

  /** Like {@link #request} for replies that are not JSON objects or carry headers: answers the whole message. */
  public static <T> Future<Message<T>> requestMessage(EventBus bus, String address, JsonObject body) {
    return bus.<T>request(address, body, new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS).setLocalOnly(true))
      .recover(err -> Future.failedFuture(toApi(err)));
  }

  /** Maps any failure to the status it means for a caller. */
  public static ApiException toApi(Throwable err) {
    if (err instanceof ApiException api) {
      return api;
    }
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return new ApiException(503, "UNAVAILABLE", "the service is busy, try again shortly");
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return new ApiException(503, "UNAVAILABLE", "the service is starting or unavailable, try again shortly");
      }
      int code = re.failureCode();
      String message = String.valueOf(re.getMessage());
      long retryAfter = -1;
      int semi = message.indexOf(';');
      if (message.startsWith(RETRY_AFTER) && semi > 0) {
        try {
          retryAfter = Long.parseLong(message.substring(RETRY_AFTER.length(), semi));
          message = message.substring(semi + 1);
        } catch (NumberFormatException ignored) {
          // not ours: keep the message whole
        }
      }
      if (code >= 400 && code < 600) {
        ApiException api = new ApiException(code, codeName(code), message);
        return retryAfter > 0 ? api.retryAfter(retryAfter) : api;
      }
      return new ApiException(500, "INTERNAL", "internal error");
    }
    if (unavailable(err)) {
      return new ApiException(503, "UNAVAILABLE", "a dependency is unavailable, try again shortly").retryAfter(5);
    }
    return new ApiException(500, "INTERNAL", "internal error");
  }

  /**
   * True for failures that mean "a dependency is down or overloaded" (a 503 with Retry-After for the caller), as
   * opposed to a bug (500): broken or refused connections, timeouts, and Postgres errors of the classes connection
   * exception (08), insufficient resources (53), operator intervention (57, e.g. a restart) and serialization (40).
   */
  static boolean unavailable(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof io.vertx.pgclient.PgException pg) {
        String state = String.valueOf(pg.getSqlState());
        return state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40");
      }
      if (t instanceof java.io.IOException || t instanceof java.util.concurrent.TimeoutException
        || t instanceof io.vertx.sqlclient.ClosedConnectionException
        || t instanceof io.vertx.core.http.HttpClosedException) {
        return true;
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("connection refused") || m.contains("connection reset") || m.contains("connection was closed")
        || m.contains("timeout") || m.contains("timed out") || m.contains("closed connection")) {
        return true;
      }
    }
    return false;
  }

  public static String codeName(int status) {
    return switch (status) {
      case 400 -> "BAD_REQUEST";
      case 401 -> "UNAUTHORIZED";
      case 402 -> "PLAN_REQUIRED";
      case 403 -> "FORBIDDEN";
      case 404 -> "NOT_FOUND";
      case 409 -> "CONFLICT";
      case 410 -> "GONE";
      case 413 -> "PAYLOAD_TOO_LARGE";
      case 429 -> "RATE_LIMITED";
      case 503 -> "UNAVAILABLE";
      default -> status >= 500 ? "INTERNAL" : "ERROR";
    };
  }

  /** A required UUID field of a bus request (400 when missing or malformed). */
  public static UUID uuid(JsonObject body, String field) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      throw ApiException.badRequest(field, field + " is required");
    }
    try {
      return UUID.fromString(v.toString());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(field, field + " must be a UUID");
    }
  }
}
