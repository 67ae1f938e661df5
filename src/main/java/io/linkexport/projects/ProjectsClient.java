package io.linkexport.projects;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The typed client of {@link Addresses#PROJECTS_OF_USER}. */
public final class ProjectsClient {

  private final BusClient bus;

  public ProjectsClient(BusClient bus) {
    this.bus = bus;
  }

  /** The projects the user is a member of: {@code [{id, name, plan, role}]}, by name. */
  public Future<JsonArray> projectsOf(UUID userId) {
    return bus.<JsonObject>request(Addresses.PROJECTS_OF_USER, new JsonObject().put(Fields.USER_ID, userId.toString()))
      .map(reply -> reply.getJsonArray(Fields.PROJECTS));
  }
}
