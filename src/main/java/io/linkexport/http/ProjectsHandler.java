package io.linkexport.http;

import io.linkexport.bus.ServiceException;
import io.linkexport.http.auth.Principal;
import io.linkexport.projects.ProjectsClient;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/projects}: the caller's projects (dashboard sessions; an API key belongs to one project). */
final class ProjectsHandler {

  private final ProjectsClient projects;

  ProjectsHandler(ProjectsClient projects) {
    this.projects = projects;
  }

  void list(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    if (p.kind() != Principal.Kind.SESSION) {
      throw ServiceException.forbidden("Listing projects needs a dashboard session.");
    }
    projects.projectsOf(p.userId())
      .onSuccess(list -> Responses.ok(ctx, 200, list))
      .onFailure(ctx::fail);
  }
}
