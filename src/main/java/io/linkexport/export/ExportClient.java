package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The typed client of the export API: {@link Addresses#EXPORT_START}, {@code EXPORT_STATUS}, {@code EXPORT_LIST},
 * {@code EXPORT_CANCEL}. Failures are {@link io.linkexport.bus.ServiceException}s with the code, field and
 * retry-after the export service chose. A verticle on another node of the cluster uses
 * {@code new ExportClient(BusClient.anyNode(bus, timeout))} for the public addresses.
 */
public final class ExportClient {

  private final BusClient bus;

  public ExportClient(BusClient bus) {
    this.bus = bus;
  }

  /** Creates a pending job: {@code {"jobId", "status": "pending"}}. */
  public Future<JsonObject> start(ExportRequest request) {
    return bus.request(Addresses.EXPORT_START, request.toJson());
  }

  /** The job, with a fresh download URL once completed, as {@code userId} (a member of the project) sees it. */
  public Future<JsonObject> status(UUID projectId, UUID userId, UUID jobId) {
    return bus.request(Addresses.EXPORT_STATUS, job(projectId, userId, jobId));
  }

  /** The project's most recent jobs, newest first. */
  public Future<JsonArray> list(UUID projectId, UUID userId, int limit) {
    return bus.<JsonObject>request(Addresses.EXPORT_LIST, new JsonObject().put(Fields.PROJECT_ID, projectId.toString())
        .put(Fields.USER_ID, userId.toString()).put(Fields.LIMIT, limit))
      .map(reply -> reply.getJsonArray(Fields.JOBS));
  }

  /** Cancels a pending or processing job on behalf of {@code userId}; answers the job. */
  public Future<JsonObject> cancel(UUID projectId, UUID userId, UUID jobId) {
    return bus.request(Addresses.EXPORT_CANCEL, job(projectId, userId, jobId));
  }

  private static JsonObject job(UUID projectId, UUID userId, UUID jobId) {
    return new JsonObject().put(Fields.PROJECT_ID, projectId.toString()).put(Fields.USER_ID, userId.toString())
      .put(Fields.JOB_ID, jobId.toString());
  }
}
