package io.linkexport.export;

import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Mailbox;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export schedules over HTTP on the shared service (schedules looked at every second): what a bad schedule is told,
 * who may do what, and a due run end to end (an ordinary job with the schedule's id and the previous day as its
 * window, one email per recipient, one job per period), and a schedule whose owner left pausing itself.
 */
class SchedulesIT {

  static TestApp app;
  static Fixtures db;

  @BeforeAll
  static void start() {
    app = TestApp.get();
    db = new Fixtures();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  static String base(UUID project) {
    return "/api/v1/projects/" + project + "/links/export-schedules";
  }

  private static JsonObject daily(String... recipients) {
    return new JsonObject().put("filters", new JsonObject().put("sortBy", "clicks").put("format", "csv"))
      .put("cadence", "daily").put("time", "08:00").put("timezone", "Europe/Berlin")
      .put("recipients", new JsonArray(java.util.List.of((Object[]) recipients))).put("window", "previousPeriod");
  }

  /**
   * Verifies that a schedule whose stored time zone this server's data does not know (a node with newer data created
   * it) is listed as stored and left unrun, without holding back the due schedule behind it: reading it threw before
   * the tick knew which schedule it held, so the same one came first again at every tick and the list answered 500.
   */
  @Test
  void aScheduleInAZoneThisServerDoesNotKnowIsListedAndDoesNotHoldOthersBack() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    Fixtures.Tenant t = db.tenant("Sched zone " + s, "pro", "sched-zone-" + s + "@example.com");
    db.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", t.user(), t.email());
    db.link(t.project(), "zone-" + s).insert();
    TestApp.Res created = app.post(base(t.project()), t.token(), daily(t.email()).encode());
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    UUID good = UUID.fromString(created.data().getString("id"));
    UUID unknown = db.uuid("INSERT INTO export_schedules (project_id, owner_id, request, cadence, run_time, timezone,"
      + " recipients, time_window, next_run_at) SELECT project_id, owner_id, request, cadence, run_time,"
      + " 'Mars/Olympus_Mons', recipients, time_window, now() - interval '2 hours' FROM export_schedules WHERE id = ?"
      + " RETURNING id", good);
    db.exec("UPDATE export_schedules SET next_run_at = now() - interval '1 hour' WHERE id = ?", good);

    Await.until("the job of the schedule behind it", Duration.ofSeconds(30),
      () -> db.count("SELECT count(*) FROM export_jobs WHERE schedule_id = ?", good) >= 1);
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE schedule_id = ?", unknown)).isZero();
    TestApp.Res listed = app.get(base(t.project()), t.token());
    assertThat(listed.status()).as(listed.raw().body()).isEqualTo(200);
    assertThat(listed.json().getJsonArray("data").stream().map(o -> ((JsonObject) o))
      .filter(o -> o.getString("id").equals(unknown.toString())).map(o -> o.getString("timezone")).toList())
      .containsExactly("Mars/Olympus_Mons");
  }

  /**
   * Verifies that the per-project limit holds against schedules sent at once: exactly the limit, the rest 409 (the
   * count and the insert were one statement without a lock, and concurrent ones passed the limit).
   */
  @Test
  void schedulesSentAtOnceStopExactlyAtTheLimit() throws Exception {
    Fixtures.Tenant t = db.tenant("Schedules limit " + UUID.randomUUID(), "pro", "limit-" + UUID.randomUUID()
      + "@example.com");
    db.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", t.user(), t.email());
    List<Integer> statuses = io.linkexport.support.Concurrent.posts(app, base(t.project()), t.token(),
      daily(t.email()).encode(), ScheduleService.MAX_SCHEDULES + 8);
    assertThat(statuses.stream().filter(s -> s == 201).count()).as("%s", statuses)
      .isEqualTo(ScheduleService.MAX_SCHEDULES);
    assertThat(statuses.stream().filter(s -> s == 409).count()).as("%s", statuses).isEqualTo(8);
    assertThat(db.count("SELECT count(*) FROM export_schedules WHERE project_id = ?", t.project()))
      .isEqualTo(ScheduleService.MAX_SCHEDULES);
  }

  private static String member(Fixtures.Tenant t, String role, String email) {
    UUID user = db.member(t.project(), role);
    db.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", user, email);
    return TestTokens.session(user, email);
  }

  /** Verifies that every bad field is a 400 naming it, and the rules of plans and roles; nothing is stored. */
  @Test
  void badSchedulesAreRefusedNamingTheFieldAndOnlyMembersOfPaidProjectsSchedule() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    Fixtures.Tenant t = db.tenant("Sched rules " + s, "pro", "sched-owner-" + s + "@example.com");
    db.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", t.user(), t.email());
    Fixtures.Tenant free = db.tenant("Sched free " + s, "free", "sched-free-" + s + "@example.com");
    String viewer = member(t, "viewer", "sched-viewer-" + s + "@example.com");
    Map<String, JsonObject> bad = Map.of(
      "cadence", daily(t.email()).put("cadence", "hourly"),
      "time", daily(t.email()).put("time", "02:30"),
      "weekday", daily(t.email()).put("cadence", "weekly"),
      "timezone", daily(t.email()).put("timezone", "Europe/Atlantis"),
      "recipients", daily("stranger@example.com"),
      "sortBy", daily(t.email()).put("filters", new JsonObject().put("sortBy", "nonsense")),
      "window", daily(t.email()).put("window", "lastYear"),
      "filters", daily(t.email()).put("filters", "all"));
    bad.forEach((field, body) -> {
      TestApp.Res res = app.post(base(t.project()), t.token(), body.encode());
      assertThat(res.status()).as(field + ": " + res.raw().body()).isEqualTo(400);
      assertThat(res.json().getJsonObject("error").getString("field")).as(res.raw().body()).isEqualTo(field);
    });
    assertThat(app.post(base(free.project()), free.token(), daily(free.email()).encode()).status()).isEqualTo(402);
    assertThat(app.post(base(t.project()), viewer, daily(t.email()).encode()).status()).isEqualTo(403);
    assertThat(db.count("SELECT count(*) FROM export_schedules WHERE project_id IN (?, ?)", t.project(),
      free.project())).isZero();

    TestApp.Res created = app.post(base(t.project()), t.token(), daily(t.email()).encode());
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    JsonObject schedule = created.data();
    Instant next = Instant.parse(schedule.getString("nextRunAt"));
    assertThat(next.atZone(ZoneId.of("Europe/Berlin")).toLocalTime().toString()).isEqualTo("08:00");
    assertThat(next).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofDays(1)));
    String one = base(t.project()) + "/" + schedule.getString("id");
    TestApp.Res paused = app.patch(one, t.token(), "{\"enabled\":false}");
    assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);
    assertThat(paused.data().getBoolean("enabled")).isFalse();
    assertThat(paused.data().getString("pausedReason")).isEqualTo("paused by a member");
    TestApp.Res moved = app.patch(one, t.token(), "{\"enabled\":true,\"cadence\":\"weekly\",\"weekday\":3}");
    assertThat(moved.status()).as(moved.raw().body()).isEqualTo(200);
    assertThat(Instant.parse(moved.data().getString("nextRunAt")).atZone(ZoneId.of("Europe/Berlin")).getDayOfWeek()
      .getValue()).isEqualTo(3);
    TestApp.Res same = app.patch(one, t.token(), "{\"cadence\":\"weekly\",\"time\":\"09:00\"}");
    assertThat(same.status()).as("the same cadence keeps its weekday: " + same.raw().body()).isEqualTo(200);
    assertThat(same.data().getInteger("weekday")).isEqualTo(3);
    TestApp.Res daily = app.patch(one, t.token(), "{\"cadence\":\"daily\"}");
    assertThat(daily.status()).as("a new cadence drops the weekday: " + daily.raw().body()).isEqualTo(200);
    assertThat(daily.data().getValue("weekday")).isNull();
    assertThat(app.patch(one, t.token(), "{\"time\":\"25:00\"}").status()).isEqualTo(400);
    assertThat(app.get(base(t.project()), viewer).status()).isEqualTo(403);
    assertThat(app.get(base(t.project()), t.token()).json().getJsonArray("data")).hasSize(1);
    assertThat(app.delete(one, t.token()).status()).isEqualTo(200);
    assertThat(app.get(one, t.token()).status()).isEqualTo(404);
  }

  /**
   * Verifies that a due schedule starts one ordinary export with its window, mailed to each recipient once, runs a
   * period once even when made due again, and pauses itself once its owner left the project.
   */
  @Test
  void aDueScheduleRunsOnceAnExportMailedToEachRecipientAndPausesWhenItsOwnerLeaves() {
    String s = UUID.randomUUID().toString().substring(0, 8);
    Fixtures.Tenant t = db.tenant("Sched run " + s, "pro", "sched-run-" + s + "@example.com");
    db.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", t.user(), t.email());
    String colleague = "sched-colleague-" + s + "@example.com";
    member(t, "member", colleague);
    db.link(t.project(), "sched-" + s).insert();
    TestApp.Res created = app.post(base(t.project()), t.token(), daily(t.email(), colleague).encode());
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    UUID id = UUID.fromString(created.data().getString("id"));
    Instant due = Instant.parse(created.data().getString("nextRunAt")).minus(Duration.ofDays(1));
    db.exec("UPDATE export_schedules SET next_run_at = ?::timestamptz WHERE id = ?", due.toString(), id);

    UUID job = Await.value("the scheduled job", Duration.ofSeconds(30), () -> {
      var ids = db.strings("SELECT id::text FROM export_jobs WHERE schedule_id = ?", id);
      return ids.isEmpty() ? null : UUID.fromString(ids.get(0));
    });
    JsonObject done = Exports.await(app, t.project(), t.token(), job.toString(), Duration.ofSeconds(60));
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("scheduleId")).isEqualTo(id.toString());
    LocalDate day = due.atZone(ZoneId.of("Europe/Berlin")).toLocalDate();
    assertThat(done.getJsonObject("filters").getString("metricsFrom")).startsWith(day.minusDays(1).toString());
    assertThat(done.getJsonObject("filters").getString("timezone")).isEqualTo("Europe/Berlin");
    Await.until("both emails sent", Duration.ofSeconds(30), () ->
      db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ? AND sent_at IS NOT NULL", job) == 2);
    assertThat(Mailbox.to(TestServices.get().smtp(), colleague)).hasSize(1);
    assertThat(Mailbox.to(TestServices.get().smtp(), t.email())).hasSize(1);
    assertThat(db.strings("SELECT period FROM export_schedule_runs WHERE schedule_id = ?", id))
      .containsExactly(day.toString());

    // the same period due again (a stale node, an edit): no second job, the schedule moves on
    db.exec("UPDATE export_schedules SET next_run_at = ?::timestamptz WHERE id = ?", due.toString(), id);
    Await.until("the schedule to move on", Duration.ofSeconds(30), () ->
      db.count("SELECT count(*) FROM export_schedules WHERE id = ? AND next_run_at > now()", id) == 1);
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE schedule_id = ?", id)).isEqualTo(1);

    db.exec("DELETE FROM project_members WHERE project_id = ? AND user_id = ?", t.project(), t.user());
    db.exec("UPDATE export_schedules SET next_run_at = now() - interval '1 minute' WHERE id = ?", id);
    Await.until("the schedule to pause", Duration.ofSeconds(30), () ->
      db.count("SELECT count(*) FROM export_schedules WHERE id = ? AND paused_at IS NOT NULL", id) == 1);
    assertThat(db.strings("SELECT paused_reason FROM export_schedules WHERE id = ?", id))
      .containsExactly("its owner is no longer a member of the project");
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE schedule_id = ?", id)).isEqualTo(1);
  }
}
