package io.linkexport.http;

import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.linkexport.export.ExportClient;
import io.linkexport.export.ExportRequest;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.http.auth.UserDirectory;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The export endpoints. Dashboard sessions only: an SDK API key gets 403. Every operation goes through the public
 * event-bus API ({@link ExportClient}) like any other client in the cluster; the export service parses and validates
 * the filters and the file options (a bad one is a 400 naming it, carried over the bus).
 */
record ExportHandler(ExportClient exports, AccessControl access, UserDirectory users) {

  /** The recent-exports panel's length. */
  private static final int RECENT = 20;

  /** {@code POST .../links/export}: 202 with the pending job. */
  void start(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = session(ctx);
    // the body is the filters and, beside them, the file options (columns, format, compression, split, ...)
    ExportRequest req = ExportRequest.ofBody(projectId, p.userId(), p.email(), body(ctx),
      ctx.request().getHeader("Idempotency-Key"));
    access.check(p, projectId)
      // the export's email goes to the address the export service has on record: record the session's first
      .compose(a -> users.remember(p))
      .compose(v -> exports.start(req))
      .onSuccess(job -> {
        ctx.response().putHeader("Location", ctx.request().path() + "/" + job.getString(Fields.JOB_ID));
        Responses.ok(ctx, 202, job);
      })
      .onFailure(ctx::fail);
  }

  /** {@code GET .../links/export/{jobId}}: the job, with a freshly signed download URL when completed. */
  void status(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    forJob(ctx, projectId, (userId, jobId) -> exports.status(projectId, userId, jobId)).onSuccess(job -> {
      noStore(ctx);
      Responses.ok(ctx, 200, job);
    }).onFailure(ctx::fail);
  }

  /** {@code DELETE .../links/export/{jobId}}: cancels a pending or processing job. */
  void cancel(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    forJob(ctx, projectId, (userId, jobId) -> exports.cancel(projectId, userId, jobId))
      .onSuccess(job -> Responses.ok(ctx, 200, job)).onFailure(ctx::fail);
  }

  /** {@code GET .../links/export}: the project's recent exports, newest first (no download URLs: ask per job). */
  void list(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = session(ctx);
    access.check(p, projectId)
      .compose(a -> exports.list(projectId, p.userId(), RECENT))
      .onSuccess(jobs -> Responses.ok(ctx, 200, jobs))
      .onFailure(ctx::fail);
  }

  /** Authorises the project first: a malformed job id of a project the caller cannot see is that project's 404. */
  private Future<JsonObject> forJob(RoutingContext ctx, UUID projectId,
                                    BiFunction<UUID, UUID, Future<JsonObject>> op) {
    Principal p = session(ctx);
    return access.check(p, projectId).compose(a -> op.apply(p.userId(), Paths.job(ctx)));
  }

  static Principal session(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    if (p.kind() != Principal.Kind.SESSION) {
      throw ServiceException.forbidden("Exports need a dashboard session; SDK API keys can only list links.");
    }
    return p;
  }

  static JsonObject body(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if (raw == null || raw.length() == 0) {
      return new JsonObject();
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(raw);
    } catch (DecodeException e) {
      throw ServiceException.badRequest("body", "request body must be a JSON object");
    }
    if (!(parsed instanceof JsonObject json)) {
      throw ServiceException.badRequest("body", "request body must be a JSON object");
    }
    return json;
  }

  /** A response that carries a download URL must not be cached or leak the URL through a Referer. */
  private static void noStore(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("Referrer-Policy", "no-referrer");
  }
}
