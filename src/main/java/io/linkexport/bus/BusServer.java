package io.linkexport.bus;

import io.linkexport.telemetry.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Function;

/**
 * The server side of the bus contract: a consumer answers with its result or with a {@link ServiceException} (the
 * reply itself, so code, field and retry-after survive a cluster hop). Server errors are logged here once, with the
 * address; client errors are not errors of the service and are not logged.
 */
public final class BusServer {

  private static final Logger LOG = LoggerFactory.getLogger(BusServer.class);

  private BusServer() {
  }

  /** Runs {@code work} on the message's body and replies with its result, or fails the message with its failure. */
  public static <B, R> void serve(Message<B> msg, Function<B, Future<R>> work) {
    String requestId = msg.headers().get(RequestContext.HEADER);
    if (requestId != null) {
      // each message runs on a context of its own: its log lines carry the id of the request that sent it
      RequestContext.bind(RequestContext.accept(requestId));
    }
    Future<R> result;
    try {
      result = work.apply(msg.body());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(msg::reply).onFailure(err -> fail(msg, err));
  }

  /** Fails a request with the {@link ServiceException} of {@code err}. */
  public static void fail(Message<?> msg, Throwable err) {
    ServiceException failure = Failures.toService(err);
    if (failure.status() >= 500) {
      LOG.error("{} failed", msg.address(), err);
    }
    msg.reply(failure);
  }

  /** The JSON body of a request ({@code {}} when it has none). */
  public static JsonObject body(Message<JsonObject> msg) {
    return msg.body() == null ? new JsonObject() : msg.body();
  }

  /** A required UUID field of a request: 400 naming the field when it is missing or malformed. */
  public static UUID uuid(JsonObject body, String field) {
    Object v = body == null ? null : body.getValue(field);
    if (v == null) {
      throw ServiceException.badRequest(field, field + " is required");
    }
    try {
      return UUID.fromString(v.toString());
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest(field, field + " must be a UUID");
    }
  }
}
