package io.linkexport.projects;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The typed client of {@link Addresses#PROJECTS_OF_USER}, {@link Addresses#PROJECT_TAGS} and
 * {@link Addresses#PROJECT_FOLDERS}.
 */
public final class ProjectsClient {

  /** The most tags or folders one answer lists (by name). */
  public static final int MAX_ITEMS = 1_000;

  private final BusClient bus;

  public ProjectsClient(BusClient bus) {
    this.bus = bus;
  }

  /** The projects the user is a member of: {@code [{id, name, plan, role}]}, by name. */
  public Future<JsonArray> projectsOf(UUID userId) {
    return bus.<JsonObject>request(Addresses.PROJECTS_OF_USER, new JsonObject().put(Fields.USER_ID, userId.toString()))
      .map(reply -> reply.getJsonArray(Fields.PROJECTS));
  }

  /** The project's tags, {@code [{id, name, color}]}, by name (the caller authorised the project). */
  public Future<JsonArray> tags(UUID projectId) {
    return bus.<JsonObject>request(Addresses.PROJECT_TAGS, new JsonObject().put(Fields.PROJECT_ID,
      projectId.toString())).map(reply -> reply.getJsonArray(Fields.TAGS));
  }

  /** The project's folders, {@code [{id, name}]}, by name (the caller authorised the project). */
  public Future<JsonArray> folders(UUID projectId) {
    return bus.<JsonObject>request(Addresses.PROJECT_FOLDERS, new JsonObject().put(Fields.PROJECT_ID,
      projectId.toString())).map(reply -> reply.getJsonArray(Fields.FOLDERS));
  }
}
