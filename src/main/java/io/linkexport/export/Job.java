package io.linkexport.export;

import io.linkexport.bus.Fields;
import io.linkexport.links.IsoTime;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;

/**
 * One row of {@code export_jobs}, as the worker and the API see it. {@code attempt} is the fencing token every claim
 * increments; {@code handBacks} counts the claims that ended in a hand-back (a node shutting down), which are not
 * failed attempts: see {@link #attemptsUsed()}.
 */
public record Job(
  UUID id,
  UUID projectId,
  String projectName,
  UUID requestedBy,
  String email,
  JsonObject filters,
  String status,
  int attempt,
  int maxAttempts,
  int handBacks,
  String uploadId,
  String objectKey,
  Long rowCount,
  long rowsWritten,
  Long bytes,
  String error,
  String errorCode,
  OffsetDateTime createdAt,
  OffsetDateTime startedAt,
  OffsetDateTime finishedAt,
  OffsetDateTime expiredAt) {

  public static Job from(Row r) {
    Object filters = r.getValue("filters");
    return new Job(
      r.getUUID("id"), r.getUUID("project_id"), r.getString("project_name"), r.getUUID("requested_by"),
      r.getString("requester_email"), filters instanceof JsonObject j ? j : new JsonObject(),
      r.getString("status"), r.getInteger("attempt"), r.getInteger("max_attempts"), r.getInteger("hand_backs"),
      r.getString("upload_id"),
      r.getString("object_key"), r.getLong("row_count"), r.getLong("rows_written"), r.getLong("bytes"),
      r.getString("error"), r.getString("error_code"), r.getOffsetDateTime("created_at"),
      r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"), r.getOffsetDateTime("expired_at"));
  }

  /** The attempts this job has used, the current one included: every claim except those handed back. */
  public int attemptsUsed() {
    return attempt - handBacks;
  }

  /**
   * Where one attempt of this job writes its CSV. Per attempt, so an attempt that lost its lease (a paused or
   * partitioned worker) can never overwrite or delete the object of the attempt that took over: only the fenced
   * completion decides which object the job points at.
   */
  public static String objectKey(UUID projectId, UUID jobId, int attempt) {
    return "exports/" + projectId + "/" + jobId + "." + attempt + ".csv";
  }

  /** {@code links-<project>-<yyyy-mm-dd>.csv}: the project's name as a slug (its id when the name has no letters). */
  public String filename() {
    String slug = projectName == null ? "" : projectName.toLowerCase(Locale.ROOT)
      .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("-+$", "");
    }
    if (slug.isEmpty()) {
      slug = projectId.toString();
    }
    LocalDate day = (createdAt == null ? OffsetDateTime.now(ZoneOffset.UTC) : createdAt)
      .withOffsetSameInstant(ZoneOffset.UTC).toLocalDate();
    return "links-" + slug + "-" + day + ".csv";
  }

  /** The API view (without downloadUrl, which is minted per read). */
  public JsonObject toJson() {
    return new JsonObject()
      .put(Fields.JOB_ID, id.toString())
      .put(Fields.PROJECT_ID, projectId.toString())
      .put(Fields.STATUS, status)
      .put(Fields.ROW_COUNT, rowCount)
      .put("rowsWritten", "completed".equals(status) && rowCount != null ? rowCount : rowsWritten)
      .put(Fields.ERROR, error)
      .put("errorCode", errorCode)
      .put(Fields.ATTEMPT, attempt)
      .put("filename", filename())
      .put("createdAt", IsoTime.format(createdAt))
      .put("startedAt", IsoTime.format(startedAt))
      .put("finishedAt", IsoTime.format(finishedAt))
      .put("expired", expiredAt != null)
      .put(Fields.FILTERS, filters);
  }

  /** What {@code link-export.events} publishes on a state change. */
  public JsonObject event() {
    return new JsonObject()
      .put(Fields.JOB_ID, id.toString())
      .put(Fields.PROJECT_ID, projectId.toString())
      .put(Fields.STATUS, status)
      .put(Fields.ATTEMPT, attempt)
      .put(Fields.ROW_COUNT, rowCount)
      .put(Fields.ROWS_WRITTEN, rowsWritten)
      .put(Fields.ERROR, error);
  }
}
