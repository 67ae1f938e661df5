package io.linkexport.http;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * The export endpoints. Dashboard sessions only: an SDK API key gets 403. Every operation goes through the public
 * event-bus API ({@code link-export.start}, {@code link-export.status}) like any other client in the cluster.
 */
public final class ExportHandler {

  private final EventBus bus;
  private final AccessControl access;

  public ExportHandler(EventBus bus, AccessControl access) {
    this.bus = bus;
    this.access = access;
  }

  /** {@code POST .../links/export}: 202 with the pending job. */
  public void start(RoutingContext ctx) {
    UUID projectId = Paths.uuid(ctx, "projectId");
    Principal p = session(ctx);
    JsonObject filters = body(ctx);
    JsonObject req = new JsonObject().put("projectId", projectId.toString()).put("userId", p.userId().toString())
      .put("email", p.email()).put("filters", filters)
      .put("idempotencyKey", ctx.request().getHeader("Idempotency-Key"));
    access.check(p, projectId)
      .compose(a -> BusReplies.request(bus, Addresses.EXPORT_START, req))
      .onSuccess(job -> {
        ctx.response().putHeader("Location", ctx.request().path() + "/" + job.getString("jobId"));
        Responses.ok(ctx, 202, job);
      })
      .onFailure(ctx::fail);
  }

  /** {@code GET .../links/export/{jobId}}: the job, with a freshly signed download URL when completed. */
  public void status(RoutingContext ctx) {
    forJob(ctx, Addresses.EXPORT_STATUS).onSuccess(job -> {
      noStore(ctx);
      Responses.ok(ctx, 200, job);
    }).onFailure(ctx::fail);
  }

  /** {@code DELETE .../links/export/{jobId}}: cancels a pending or processing job. */
  public void cancel(RoutingContext ctx) {
    forJob(ctx, Addresses.EXPORT_CANCEL).onSuccess(job -> Responses.ok(ctx, 200, job)).onFailure(ctx::fail);
  }

  /** {@code GET .../links/export}: the project's recent exports, newest first (no download URLs: ask per job). */
  public void list(RoutingContext ctx) {
    UUID projectId = Paths.uuid(ctx, "projectId");
    Principal p = session(ctx);
    access.check(p, projectId)
      .compose(a -> BusReplies.request(bus, Addresses.EXPORT_LIST, new JsonObject()
        .put("projectId", projectId.toString()).put("limit", 20)))
      .onSuccess(res -> Responses.ok(ctx, 200, res.getJsonArray("jobs")))
      .onFailure(ctx::fail);
  }

  private Future<JsonObject> forJob(RoutingContext ctx, String address) {
    UUID projectId = Paths.uuid(ctx, "projectId");
    Principal p = session(ctx);
    UUID jobId;
    try {
      jobId = Paths.uuid(ctx, "jobId");
    } catch (ApiException e) {
      return access.check(p, projectId).compose(a -> Future.failedFuture(ApiException.notFound("export not found")));
    }
    return access.check(p, projectId).compose(a -> BusReplies.request(bus, address, new JsonObject()
      .put("projectId", projectId.toString()).put("jobId", jobId.toString())));
  }

  private static Principal session(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    if (p.kind() != Principal.Kind.SESSION) {
      throw ApiException.forbidden("Exports need a dashboard session; SDK API keys can only list links.");
    }
    return p;
  }

  private static JsonObject body(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = io.vertx.core.json.Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw ApiException.badRequest("body", "request body must be a JSON object");
    }
    if (!(parsed instanceof JsonObject json)) {
      throw ApiException.badRequest("body", "request body must be a JSON object");
    }
    return json;
  }

  /** A response that carries a download URL must not be cached or leak the URL through a Referer. */
  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "no-referrer");
  }
}
