package io.linkexport.http;

import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.function.BiFunction;

/**
 * A dashboard session's call on a resource of one project (webhooks, schedules): a session only (an SDK API key gets
 * 403), authorised for the project, then the service's answer as the envelope's data with {@code status}; a 201
 * names the new resource in {@code Location}. Answers are not cached (a webhook's secret is in one).
 */
final class ProjectCall {

  private ProjectCall() {
  }

  static void run(RoutingContext ctx, AccessControl access, int status,
                  BiFunction<UUID, Principal, Future<?>> op) {
    UUID projectId = Paths.project(ctx);
    Principal p = ExportHandler.session(ctx);
    access.check(p, projectId).compose(a -> op.apply(projectId, p)).onSuccess(data -> {
      ctx.response().putHeader("Cache-Control", "no-store");
      if (status == 201 && data instanceof JsonObject created) {
        ctx.response().putHeader("Location", ctx.request().path() + "/" + created.getString("id"));
      }
      Responses.ok(ctx, status, data);
    }).onFailure(ctx::fail);
  }
}
