package io.linkexport.export;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;

/** One row of {@code export_schedules} (V16). {@code request} is the export body: filters and file options. */
record Schedule(UUID id, UUID projectId, String projectName, UUID ownerId, JsonObject request, ScheduleSpec spec,
                List<String> recipients, String window, OffsetDateTime nextRunAt, OffsetDateTime pausedAt,
                String pausedReason, OffsetDateTime createdAt) {

  static Schedule from(Row r) {
    ScheduleSpec spec = new ScheduleSpec(r.getString("cadence"), r.getInteger("weekday"),
      r.getInteger("day_of_month"), r.getLocalTime("run_time"), ZoneId.of(r.getString("timezone")));
    String name = r.getColumnIndex("project_name") >= 0 ? r.getString("project_name") : null;
    return new Schedule(r.getUUID("id"), r.getUUID("project_id"), name, r.getUUID("owner_id"),
      r.getJsonObject("request"), spec, List.of(r.getArrayOfStrings("recipients")), r.getString("time_window"),
      r.getOffsetDateTime("next_run_at"), r.getOffsetDateTime("paused_at"), r.getString("paused_reason"),
      r.getOffsetDateTime("created_at"));
  }

  /** As the API shows it. */
  JsonObject toJson() {
    return spec.toJson().put("id", id.toString()).put("projectId", projectId.toString())
      .put("ownerId", ownerId.toString()).put("filters", request).put("recipients", new JsonArray(recipients))
      .put("window", window).put("enabled", pausedAt == null)
      .put("pausedAt", iso(pausedAt)).put("pausedReason", pausedReason)
      .put("nextRunAt", pausedAt == null ? iso(nextRunAt) : null).put("createdAt", iso(createdAt));
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
