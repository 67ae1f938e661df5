package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The typed client of the {@code link-export.schedules.*} addresses ({@link Addresses#SCHEDULES_CREATE}). */
public final class ScheduleClient {

  private final BusClient bus;

  public ScheduleClient(BusClient bus) {
    this.bus = bus;
  }

  public Future<JsonObject> create(UUID projectId, UUID userId, JsonObject body) {
    return bus.request(Addresses.SCHEDULES_CREATE, who(projectId, userId).put("schedule", body));
  }

  public Future<JsonObject> list(UUID projectId, UUID userId) {
    return bus.request(Addresses.SCHEDULES_LIST, who(projectId, userId));
  }

  public Future<JsonObject> get(UUID projectId, UUID userId, UUID scheduleId) {
    return bus.request(Addresses.SCHEDULES_GET, who(projectId, userId).put("scheduleId", scheduleId.toString()));
  }

  public Future<JsonObject> update(UUID projectId, UUID userId, UUID scheduleId, JsonObject body) {
    return bus.request(Addresses.SCHEDULES_UPDATE, who(projectId, userId).put("scheduleId", scheduleId.toString())
      .put("schedule", body));
  }

  public Future<JsonObject> delete(UUID projectId, UUID userId, UUID scheduleId) {
    return bus.request(Addresses.SCHEDULES_DELETE, who(projectId, userId).put("scheduleId", scheduleId.toString()));
  }

  private static JsonObject who(UUID projectId, UUID userId) {
    return new JsonObject().put(Fields.PROJECT_ID, projectId.toString()).put(Fields.USER_ID, userId.toString());
  }
}
