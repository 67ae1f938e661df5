package io.linkexport.export;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code export_schedules} (V16). {@code request} is the export body: filters and file options.
 * {@code timezone} is the stored zone's name; a zone this JDK's data does not know (a node with newer data created
 * the schedule) reads as UTC in {@code spec}, is shown as stored, and is not run here ({@link #zoneKnown}).
 */
record Schedule(UUID id, UUID projectId, String projectName, UUID ownerId, JsonObject request, ScheduleSpec spec,
                List<String> recipients, String window, OffsetDateTime nextRunAt, OffsetDateTime pausedAt,
                String pausedReason, OffsetDateTime createdAt, String timezone) {

  static Schedule from(Row r) {
    String timezone = r.getString("timezone");
    ScheduleSpec spec = new ScheduleSpec(r.getString("cadence"), r.getInteger("weekday"),
      r.getInteger("day_of_month"), r.getLocalTime("run_time"), Job.zoneOrUtc(timezone));
    String name = r.getColumnIndex("project_name") >= 0 ? r.getString("project_name") : null;
    return new Schedule(r.getUUID("id"), r.getUUID("project_id"), name, r.getUUID("owner_id"),
      r.getJsonObject("request"), spec, List.of(r.getArrayOfStrings("recipients")), r.getString("time_window"),
      r.getOffsetDateTime("next_run_at"), r.getOffsetDateTime("paused_at"), r.getString("paused_reason"),
      r.getOffsetDateTime("created_at"), timezone);
  }

  /** Whether this JDK knows the schedule's zone: only then may its runs and due times be computed here. */
  boolean zoneKnown() {
    return spec.zone().getId().equals(timezone);
  }

  /** As the API shows it. */
  JsonObject toJson() {
    return spec.toJson().put("timezone", timezone).put("id", id.toString()).put("projectId", projectId.toString())
      .put("ownerId", ownerId.toString()).put("filters", request).put("recipients", new JsonArray(recipients))
      .put("window", window).put("enabled", pausedAt == null)
      .put("pausedAt", iso(pausedAt)).put("pausedReason", pausedReason)
      .put("nextRunAt", pausedAt == null ? iso(nextRunAt) : null).put("createdAt", iso(createdAt));
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
