package io.linkexport.http;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.http.auth.Principal;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/v1/projects}: the caller's projects (dashboard sessions; an API key belongs to one project). */
public final class ProjectsHandler {

  private final EventBus bus;

  public ProjectsHandler(EventBus bus) {
    this.bus = bus;
  }

  public void list(RoutingContext ctx) {
    Principal p = Principal.of(ctx);
    if (p.kind() != Principal.Kind.SESSION) {
      throw ApiException.forbidden("Listing projects needs a dashboard session.");
    }
    BusReplies.request(bus, Addresses.PROJECTS_OF_USER, new JsonObject().put("userId", p.userId().toString()))
      .onSuccess(res -> Responses.ok(ctx, 200, res.getJsonArray("projects")))
      .onFailure(ctx::fail);
  }
}
