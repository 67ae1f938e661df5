package io.linkexport.export;

import io.linkexport.bus.Fields;
import io.linkexport.links.IsoTime;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * A job as the API shows it ({@code GET .../export/{jobId}}, the recent-exports list, {@code link-export.status}) and
 * as its events publish it. Download URLs are not here: the export service mints them per read.
 */
final class JobJson {

  /** The members of a stored file ({@code export_jobs.files}) a reader sees: not its object key. */
  private static final String[] FILE_FIELDS = {"name", Fields.ROW_COUNT, Fields.BYTES, Fields.SHA256, "createdFrom",
    "createdTo"};

  private JobJson() {
  }

  static JsonObject of(Job job) {
    boolean completed = "completed".equals(job.status());
    Progress p = progress(job);
    JsonObject json = new JsonObject()
      .put(Fields.JOB_ID, job.id().toString())
      .put(Fields.PROJECT_ID, job.projectId().toString())
      .put(Fields.STATUS, job.status())
      .put(Fields.ROW_COUNT, job.rowCount())
      .put(Fields.ROWS_WRITTEN, completed && job.rowCount() != null ? job.rowCount() : job.rowsWritten())
      .put(Fields.PROGRESS, p.progress())
      .put(Fields.ETA_SECONDS, p.etaSeconds())
      .put(Fields.ERROR, job.error())
      .put("errorCode", job.errorCode())
      .put(Fields.ATTEMPT, job.attempt())
      .put("filename", job.filename())
      .put(Fields.BYTES, completed ? job.bytes() : null)
      .put(Fields.SHA256, completed ? job.sha256() : null)
      .put("schemaVersion", job.schemaVersion())
      .put("createdAt", IsoTime.format(job.createdAt()))
      .put("startedAt", IsoTime.format(job.startedAt()))
      .put("finishedAt", IsoTime.format(job.finishedAt()))
      .put("expired", job.expiredAt() != null)
      .put(Fields.FILTERS, job.filters())
      .put(Fields.FILES, completed ? files(job.files()) : null)
      .put("scheduleId", job.scheduleId() == null ? null : job.scheduleId().toString());
    // the file options, as the request named them
    job.options().toJson().forEach(e -> json.put(e.getKey(), e.getValue()));
    return json;
  }

  /** What {@code link-export.events} publishes on a state change. */
  static JsonObject event(Job job) {
    return event(job, job.rowCount(), job.rowsWritten(), progress(job));
  }

  /** An event with the live figures of a running attempt (its count, rows written, progress). */
  static JsonObject event(Job job, Long rowCount, long rowsWritten, Progress p) {
    return new JsonObject()
      .put(Fields.JOB_ID, job.id().toString())
      .put(Fields.PROJECT_ID, job.projectId().toString())
      .put(Fields.STATUS, job.status())
      .put(Fields.ATTEMPT, job.attempt())
      .put(Fields.ROW_COUNT, rowCount)
      .put(Fields.ROWS_WRITTEN, rowsWritten)
      .put(Fields.PROGRESS, p.progress())
      .put(Fields.ETA_SECONDS, p.etaSeconds())
      .put(Fields.ERROR, job.error());
  }

  private static Progress progress(Job job) {
    OffsetDateTime counted = job.countedAt();
    return Progress.of(job.status(), job.rowCount(), job.rowsWritten(),
      counted == null ? null : Duration.between(counted.toInstant(), java.time.Instant.now()));
  }

  /** The job's files as a reader sees them; null for a job completed before V9 (its one file is the download). */
  static JsonArray files(JsonArray stored) {
    if (stored == null) {
      return null;
    }
    JsonArray out = new JsonArray();
    for (int i = 0; i < stored.size(); i++) {
      JsonObject f = stored.getJsonObject(i);
      JsonObject view = new JsonObject();
      for (String field : FILE_FIELDS) {
        view.put(field, f.getValue(field));
      }
      out.add(view);
    }
    return out;
  }
}
