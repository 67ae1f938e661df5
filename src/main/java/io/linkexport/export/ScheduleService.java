package io.linkexport.export;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.linkexport.db.ProjectLimit;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import static io.linkexport.bus.BusServer.uuid;

/**
 * The export schedules of a project, behind {@code link-export.schedules.*} ({@link io.linkexport.bus.Addresses}).
 * Members who use exports list them and create them on a paid plan (402 first, then 403 for viewers); a schedule's
 * creator, an owner or an admin edits, pauses, resumes or deletes it. A schedule is checked whole when saved: its
 * cadence ({@link ScheduleSpec}), its export body (the filters and file options of {@code POST .../export}), its
 * recipients (verified addresses of the project's members) and its window; a bad one is a 400 naming the field.
 */
public final class ScheduleService {

  /** Schedules a project may have. */
  static final int MAX_SCHEDULES = 10;
  private static final int MAX_RECIPIENTS = 20;

  private final Pool pool;
  private final ExportAccess access;
  private final FileOptions.Limits limits;

  public ScheduleService(Pool pool, FileOptions.Limits limits) {
    this.pool = pool;
    this.access = new ExportAccess(pool);
    this.limits = limits;
  }

  /** {@code {"projectId", "userId", "schedule": {the HTTP body}}}: the new schedule with its {@code nextRunAt}. */
  public Future<JsonObject> create(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    JsonObject body = body(req);
    // who may start an export may schedule one (402 on a free plan first, then 403 for viewers)
    return access.starter(projectId, userId).compose(m -> {
      if (!body.containsKey("recipients") && m.email() != null) {
        body.put("recipients", new JsonArray().add(m.email()));
      }
      return checked(projectId, body, false).compose(c -> insert(projectId, userId, c))
        .compose(rows -> rows.size() == 0
          ? Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "A project has at most " + MAX_SCHEDULES
            + " schedules; delete one first."))
          : Future.succeededFuture(first(rows)));
    });
  }

  /** The new schedule's row; none when the project has its limit (counted exactly after the project's limit lock). */
  private Future<RowSet<Row>> insert(UUID projectId, UUID userId, Checked c) {
    Tuple row = Tuple.tuple().addUUID(projectId).addUUID(userId).addValue(c.request()).addString(c.spec().cadence())
      .addInteger(c.spec().weekday()).addInteger(c.spec().dayOfMonth()).addLocalTime(c.spec().time())
      .addString(c.spec().zone().getId()).addArrayOfString(c.recipients().toArray(new String[0]))
      .addString(c.window()).addOffsetDateTime(c.spec().firstAtOrAfter(c.now()).atOffset(ZoneOffset.UTC))
      .addInteger(MAX_SCHEDULES);
    return ProjectLimit.insert(pool, projectId, "schedule_insert", row);
  }

  /** {@code {"projectId", "userId"}}: {@code {"schedules": [...]}}. */
  public Future<JsonObject> list(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    return access.reader(projectId, uuid(req, Fields.USER_ID))
      .compose(m -> pool.preparedQuery(SqlStatements.get("schedule_list")).execute(Tuple.of(projectId)))
      .map(rows -> {
        JsonArray all = new JsonArray();
        rows.forEach(r -> all.add(Schedule.from(r).toJson()));
        return new JsonObject().put("schedules", all);
      });
  }

  /** {@code {"projectId", "userId", "scheduleId"}}: the schedule. */
  public Future<JsonObject> get(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID id = uuid(req, "scheduleId");
    return access.reader(projectId, uuid(req, Fields.USER_ID)).compose(m -> find(projectId, id))
      .map(Schedule::toJson);
  }

  /**
   * {@code {"projectId", "userId", "scheduleId", "schedule": {fields to change}}}: any field of the create body and
   * {@code enabled} (false pauses, true resumes: from the next occurrence on, missed ones are not run; the member who
   * resumes it owns it from then on). A cadence change drops the weekday or day it no longer uses; recipients who
   * left the project are dropped unless the patch names recipients. Pausing works on any plan. Answers the schedule.
   */
  public Future<JsonObject> update(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    UUID id = uuid(req, "scheduleId");
    JsonObject patch = body(req);
    Object enabled = patch.getValue("enabled");
    if (enabled != null && !(enabled instanceof Boolean)) {
      throw ServiceException.badRequest("enabled", "enabled must be true or false");
    }
    boolean pauseOnly = Boolean.FALSE.equals(enabled) && patch.size() == 1;
    if (pauseOnly) {
      return editor(projectId, userId, id, false)
        .compose(s -> pool.preparedQuery(SqlStatements.get("schedule_pause_by_member"))
          .execute(Tuple.of(id, projectId)))
        .map(ScheduleService::first);
    }
    return editor(projectId, userId, id, true).compose(s -> {
      JsonObject merged = merged(s, patch);
      return checked(projectId, merged, !patch.containsKey("recipients")).compose(c -> {
        boolean resumed = Boolean.TRUE.equals(enabled) && s.pausedAt() != null;
        boolean timing = resumed || !c.spec().equals(s.spec());
        Instant next = timing ? c.spec().firstAtOrAfter(c.now()) : null;
        return pool.preparedQuery(SqlStatements.get("schedule_update")).execute(Tuple.tuple().addUUID(id)
          .addUUID(projectId).addValue(c.request()).addString(c.spec().cadence()).addInteger(c.spec().weekday())
          .addInteger(c.spec().dayOfMonth()).addLocalTime(c.spec().time()).addString(c.spec().zone().getId())
          .addArrayOfString(c.recipients().toArray(new String[0])).addString(c.window())
          .addBoolean(enabled == null ? null : !((Boolean) enabled))
          .addOffsetDateTime(next == null ? null : next.atOffset(ZoneOffset.UTC))
          .addUUID(resumed ? userId : null));
      }).map(ScheduleService::first);
    });
  }

  /** The stored schedule with the patch's fields; a new cadence drops the weekday or day it does not use. */
  private static JsonObject merged(Schedule s, JsonObject patch) {
    JsonObject merged = s.spec().toJson().put("filters", s.request())
      .put("recipients", new JsonArray(s.recipients())).put("window", s.window());
    if (patch.containsKey("cadence") && !s.spec().cadence().equals(patch.getValue("cadence"))) {
      merged.remove("weekday");
      merged.remove("dayOfMonth");
    }
    patch.forEach(e -> {
      if (!e.getKey().equals("enabled")) {
        merged.put(e.getKey(), e.getValue());
      }
    });
    if (merged.getValue("weekday") == null) {
      merged.remove("weekday");
    }
    if (merged.getValue("dayOfMonth") == null) {
      merged.remove("dayOfMonth");
    }
    return merged;
  }

  /** {@code {"projectId", "userId", "scheduleId"}}: {@code {"deleted": true}}; its past jobs stay. */
  public Future<JsonObject> delete(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID id = uuid(req, "scheduleId");
    return editor(projectId, uuid(req, Fields.USER_ID), id, false)
      .compose(s -> pool.preparedQuery(SqlStatements.get("schedule_delete")).execute(Tuple.of(id, projectId)))
      .map(rows -> new JsonObject().put("deleted", true));
  }

  /** A request checked whole, with the database's clock it was checked at. */
  private record Checked(ScheduleSpec spec, JsonObject request, List<String> recipients, String window, Instant now) {
  }

  /** Checks a whole request; {@code dropLeft}: recipients no longer members are dropped (400 only if none is left). */
  private Future<Checked> checked(UUID projectId, JsonObject body, boolean dropLeft) {
    Object filters = body.getValue("filters", new JsonObject());
    if (!(filters instanceof JsonObject request)) {
      throw ServiceException.badRequest("filters", "filters must be an object: the body of an export");
    }
    ExportRequest export = ExportRequest.ofBody(projectId, null, null, request, null);
    LinkFilter.fromJson(export.filters());
    export.fileOptions(limits);
    Object window = body.getValue("window");
    if (window != null && !"previousPeriod".equals(window)) {
      throw ServiceException.badRequest("window", "window must be \"previousPeriod\" or null");
    }
    List<String> recipients = recipients(body.getValue("recipients"));
    return pool.preparedQuery(SqlStatements.get("schedule_now")).execute()
      .map(rows -> rows.iterator().next().getOffsetDateTime("now").toInstant())
      .compose(now -> {
        ScheduleSpec spec = ScheduleSpec.parse(body, now);
        return memberAddresses(pool, projectId).map(members -> {
            List<String> kept = new ArrayList<>();
            for (String r : recipients) {
              if (members.contains(r)) {
                kept.add(r);
              } else if (!dropLeft) {
                throw ServiceException.badRequest("recipients", r + " is not a member of the project (recipients"
                  + " must be members' verified addresses)");
              }
            }
            if (kept.isEmpty()) {
              throw ServiceException.badRequest("recipients", "none of the recipients is a member of the project any"
                + " more; name members' verified addresses");
            }
            return new Checked(spec, request, kept, (String) window, now);
          });
      });
  }

  private static List<String> recipients(Object value) {
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_RECIPIENTS) {
      throw ServiceException.badRequest("recipients", "recipients must be 1 to " + MAX_RECIPIENTS
        + " email addresses of the project's members");
    }
    List<String> out = new ArrayList<>();
    for (Object o : array) {
      if (!(o instanceof String s) || s.length() > 320 || !s.contains("@")) {
        throw ServiceException.badRequest("recipients", "recipients must be email addresses");
      }
      String address = s.trim().toLowerCase(Locale.ROOT);
      if (!out.contains(address)) {
        out.add(address);
      }
    }
    return out;
  }

  /** The verified addresses of the project's members, lower-cased: the only ones a schedule sends to. */
  static Future<Set<String>> memberAddresses(SqlClient client, UUID projectId) {
    return client.preparedQuery(SqlStatements.get("schedule_member_emails")).execute(Tuple.of(projectId))
      .map(rows -> {
        Set<String> members = new HashSet<>();
        rows.forEach(r -> members.add(r.getString("email")));
        return members;
      });
  }

  /**
   * The schedule, when the caller may change it: its creator, an owner or an admin (403), on a paid plan (402) unless
   * {@code paid} is false (pausing and deleting work after a downgrade).
   */
  private Future<Schedule> editor(UUID projectId, UUID userId, UUID id, boolean paid) {
    return access.reader(projectId, userId).compose(m -> find(projectId, id).compose(s -> {
      if (paid && m.freePlan()) {
        return Future.failedFuture(new ServiceException(ErrorCode.PLAN_REQUIRED,
          "Scheduled exports are available on paid plans."));
      }
      return s.ownerId().equals(userId) || m.role().managesOthersExports() ? Future.succeededFuture(s)
        : Future.failedFuture(ServiceException.forbidden("Only the member who created this schedule, an owner or an"
          + " admin can change it."));
    }));
  }

  private Future<Schedule> find(UUID projectId, UUID id) {
    return pool.preparedQuery(SqlStatements.get("schedule_find")).execute(Tuple.of(id, projectId))
      .compose(rows -> rows.size() == 0 ? Future.failedFuture(ServiceException.notFound("schedule not found"))
        : Future.succeededFuture(Schedule.from(rows.iterator().next())));
  }

  private static JsonObject body(JsonObject req) {
    Object body = req.getValue("schedule");
    if (!(body instanceof JsonObject json)) {
      throw ServiceException.badRequest("body", "request body must be a JSON object");
    }
    return json.copy();
  }

  private static JsonObject first(RowSet<Row> rows) {
    return Schedule.from(rows.iterator().next()).toJson();
  }
}
