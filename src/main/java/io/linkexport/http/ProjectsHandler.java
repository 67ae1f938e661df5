package io.linkexport.http;

import io.linkexport.bus.ServiceException;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.projects.ProjectsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code GET /api/v1/projects}: the caller's projects (dashboard sessions; an API key belongs to one project).
 * {@code GET /api/v1/projects/{projectId}/tags} and {@code .../folders}: the project's tags and folders, the
 * dashboard's pickers (session or API key, like the list).
 */
record ProjectsHandler(ProjectsClient projects, AccessControl access) {

  void list(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    if (p.kind() != Principal.Kind.SESSION) {
      throw ServiceException.forbidden("Listing projects needs a dashboard session.");
    }
    projects.projectsOf(p.userId())
      .onSuccess(list -> Responses.ok(ctx, 200, list))
      .onFailure(ctx::fail);
  }

  void tags(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    access.check(Principal.of(ctx), projectId)
      .compose(a -> projects.tags(projectId))
      .onSuccess(list -> Responses.ok(ctx, 200, list, meta(list)))
      .onFailure(ctx::fail);
  }

  void folders(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    access.check(Principal.of(ctx), projectId)
      .compose(a -> projects.folders(projectId))
      .onSuccess(list -> Responses.ok(ctx, 200, list, meta(list)))
      .onFailure(ctx::fail);
  }

  /** Whether the list stopped at its bound (a picker then says so). */
  private static JsonObject meta(JsonArray list) {
    return new JsonObject().put("truncated", list.size() >= ProjectsClient.MAX_ITEMS);
  }
}
