package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.ServiceException;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Starting an export against what other transactions hold: it never waits on writers of the project's links, never
 * longer than its bounds on anything else, and a start that answers 503 leaves no job behind. The events and the
 * workers' wake-up go out only once the job is committed.
 */
class ExportStartIT {

  static TestApp app;
  static Fixtures db;

  @BeforeAll
  static void start() {
    app = TestApp.isolated(new JsonObject());
    db = Fixtures.of(app);
  }

  @AfterAll
  static void stop() {
    db.close();
    app.close();
  }

  /** Verifies that a start is not held up by an open transaction that inserted a link of the project. */
  @Test
  void anOpenTransactionThatInsertedALinkDoesNotHoldUpAStart() throws Exception {
    Fixtures.Tenant t = db.tenant("Start lock", "pro", "start@example.com");
    try (Connection writer = open()) {
      execute(writer, "INSERT INTO links (project_id, domain, slug, url) VALUES (?, 'dub.sh', ?, 'https://x.test')",
        t.project(), "open-" + UUID.randomUUID());
      // waiting for the writer would end in a 503 at the lock timeout, with the writer still open
      TestApp.Res res = app.post(Exports.base(t.project()), t.token(), "{}");
      assertThat(res.status()).as(res.raw().body()).isEqualTo(202);
      writer.rollback();
    }
  }

  /**
   * Verifies that a start that cannot get its locks in time answers 503 well within the caller's timeout, and that
   * no job appears once the blocking transaction ends.
   */
  @Test
  void aStartThatCannotLockInTimeAnswers503AndLeavesNoJob() throws Exception {
    assertNoJobAfter503(app, db);
  }

  /**
   * Verifies the start's own deadline: with a lock timeout longer than the deadline (60% of the bus timeout), the
   * start still answers 503 at the deadline, and leaves no job.
   */
  @Test
  void theStartsDeadlineEndsALongLockWaitWithoutAJob() throws Exception {
    // a deadline of 6 s (60% of 10 s) against a lock timeout of 9.5 s: far enough apart to tell which one answered
    TestApp slow = slowStarts();
    try (Fixtures fx = Fixtures.of(slow)) {
      long ms = assertNoJobAfter503(slow, fx);
      assertThat(ms).as("answered at the deadline, before the lock timeout").isBetween(5_900L, 9_400L);
    } finally {
      slow.close();
    }
  }

  /**
   * Verifies that the start's deadline counts from the request's arrival, not from its transaction: the access check
   * is held 5 s by a lock on the users table, then the transaction is blocked by a locked project row. Counted from
   * arrival, the 6 s deadline answers its own 503 (no job); counted from the transaction it would end at 11 s, after
   * the caller's 10 s bus timeout, and a slow COMMIT there would leave a job the caller was told it did not get.
   */
  @Test
  void theStartsDeadlineCountsFromTheRequestsArrival() throws Exception {
    TestApp slow = slowStarts();
    try (Fixtures fx = Fixtures.of(slow);
         Connection users = DriverManager.getConnection(TestServices.jdbcUrl(slow.config), "postgres", "postgres");
         Connection project = DriverManager.getConnection(TestServices.jdbcUrl(slow.config), "postgres", "postgres")) {
      Fixtures.Tenant t = fx.tenant("Start late", "pro", "late@example.com");
      fx.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", t.user(), t.email());
      project.setAutoCommit(false);
      execute(project, "SELECT 1 FROM projects WHERE id = ? FOR UPDATE", t.project());
      users.setAutoCommit(false);
      execute(users, "LOCK TABLE app_users IN ACCESS EXCLUSIVE MODE");

      ExportClient bus = new ExportClient(BusClient.local(slow.vertx.eventBus(), 10_000));
      Future<JsonObject> started = bus.start(new ExportRequest(t.project(), t.user(), null, null, null));
      Await.until("the start's access check to have waited 5 s for its lock", Duration.ofSeconds(30),
        () -> fx.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND"
          + " application_name = 'link-export-api' AND wait_event_type = 'Lock'"
          + " AND now() - query_start > interval '5 s'") == 1);
      users.commit();

      assertThatThrownBy(() -> Await.result(started)).isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.status()).as(e.toString()).isEqualTo(503);
        assertThat(e.getMessage()).as("the start's own bound answered").contains("could not be started in time");
      });
      project.commit();
      assertThat(fx.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", t.project())).isZero();
    } finally {
      slow.close();
    }
  }

  /**
   * A service whose bus timeout is 10 s (its starts' deadline 6 s) and lock timeout 9.5 s; the timings were twice
   * these, 26 s of a suite that must stay under 15 minutes, for the same distinctions.
   */
  private static TestApp slowStarts() {
    return TestApp.isolated(new JsonObject().put(AppConfig.BUS_SEND_TIMEOUT_MS, 10_000)
      .put(AppConfig.PG_LOCK_TIMEOUT_MS, 9_500).put(AppConfig.MAIL_LEASE_SECONDS, 120));
  }

  private static long assertNoJobAfter503(TestApp service, Fixtures fx) throws Exception {
    Fixtures.Tenant t = fx.tenant("Start blocked", "pro", "blocked@example.com");
    long ms;
    try (Connection blocker = DriverManager.getConnection(TestServices.jdbcUrl(service.config), "postgres",
      "postgres")) {
      blocker.setAutoCommit(false);
      // e.g. an operator's tool that locks the project row: the job's foreign key cannot be checked meanwhile
      execute(blocker, "SELECT 1 FROM projects WHERE id = ? FOR UPDATE", t.project());
      long started = System.nanoTime();
      TestApp.Res res = service.post(Exports.base(t.project()), t.token(), "{}");
      ms = (System.nanoTime() - started) / 1_000_000;
      assertThat(res.status()).as(res.raw().body()).isEqualTo(503);
      assertThat(res.errorCode()).isEqualTo("UNAVAILABLE");
      assertThat(res.raw().headers().firstValue("Retry-After")).isPresent();
      // the service's own bound answered, not the caller's timeout (whose 503 says the service is busy)
      assertThat(res.json().getJsonObject("error").getString("message")).contains("could not be started in time");
      blocker.commit();
    }
    assertThat(fx.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", t.project()))
      .as("jobs after the blocker committed").isZero();
    TestApp.Res again = service.post(Exports.base(t.project()), t.token(), "{}");
    assertThat(again.status()).as(again.raw().body()).isEqualTo(202);
    return ms;
  }

  /**
   * Verifies that the pending event is published only once the job is committed: a consumer that reads the job as
   * soon as the event arrives finds it, even when the commit is slow (a deferred trigger sleeps in it).
   */
  @Test
  void thePendingEventIsPublishedAfterTheCommit() throws Exception {
    Fixtures.Tenant t = db.tenant("Start events", "pro", "events@example.com");
    db.exec("CREATE OR REPLACE FUNCTION slow_commit_" + suffix(t) + "() RETURNS trigger LANGUAGE plpgsql AS $$"
      + " BEGIN PERFORM pg_sleep(1.5); RETURN NULL; END $$");
    db.exec("CREATE CONSTRAINT TRIGGER slow_commit_" + suffix(t) + " AFTER INSERT ON export_jobs DEFERRABLE"
      + " INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.project_id = '" + t.project() + "')"
      + " EXECUTE FUNCTION slow_commit_" + suffix(t) + "()");
    Map<String, Long> seenAtEvent = new ConcurrentHashMap<>();
    try (Fixtures reader = Fixtures.of(app)) {
      Await.result(app.vertx.eventBus().<JsonObject>consumer(Addresses.EXPORT_EVENTS, m -> {
        if (t.project().toString().equals(m.body().getString("projectId"))
          && "pending".equals(m.body().getString("status"))) {
          String job = m.body().getString("jobId");
          // blocking JDBC on the event loop is acceptable in this test: it is the observation itself
          seenAtEvent.putIfAbsent(job,
            reader.count("SELECT count(*) FROM export_jobs WHERE id = ?", UUID.fromString(job)));
        }
      }).completion());
      String jobId = Exports.start(app, t.project(), t.token(), new JsonObject());
      Await.until("the pending event", Duration.ofSeconds(20), () -> seenAtEvent.containsKey(jobId));
      assertThat(seenAtEvent.get(jobId)).as("the job was visible when its pending event arrived").isEqualTo(1);
    } finally {
      db.exec("DROP TRIGGER slow_commit_" + suffix(t) + " ON export_jobs");
    }
  }

  /** Verifies that a free plan gets 402 from the start endpoint even when its filters are also bad. */
  @Test
  void aFreePlanGets402BeforeItsFiltersAreLookedAt() {
    Fixtures.Tenant t = db.tenant("Start free", "free", "free@example.com");
    TestApp.Res res = app.post(Exports.base(t.project()), t.token(), "{\"sortBy\": \"nope\", \"bogus\": 1}");
    assertThat(res.status()).isEqualTo(402);
    assertThat(res.errorCode()).isEqualTo("PLAN_REQUIRED");
  }

  /** Verifies that an Idempotency-Key sent again with other filters is a 422 naming the key, and no second job. */
  @Test
  void anIdempotencyKeyReusedWithOtherFiltersIs422() {
    Fixtures.Tenant t = db.tenant("Start idem", "pro", "idem@example.com");
    TestApp.Res first = post(t, "key-1", "{\"domain\": \"dub.sh\"}");
    assertThat(first.status()).isEqualTo(202);
    TestApp.Res same = post(t, "key-1", "{\"domain\": \"dub.sh\"}");
    assertThat(same.status()).isEqualTo(202);
    assertThat(same.data().getString("jobId")).isEqualTo(first.data().getString("jobId"));
    TestApp.Res other = post(t, "key-1", "{\"domain\": \"go.acme.com\"}");
    assertThat(other.status()).as(other.raw().body()).isEqualTo(422);
    assertThat(other.errorCode()).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(other.json().getJsonObject("error").getString("field")).isEqualTo("Idempotency-Key");
    assertThat(other.json().getJsonObject("error").getString("message")).contains(first.data().getString("jobId"));
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", t.project())).isEqualTo(1);
  }

  private static TestApp.Res post(Fixtures.Tenant t, String key, String body) {
    try {
      java.net.http.HttpResponse<String> res = app.http().send(java.net.http.HttpRequest.newBuilder(
            java.net.URI.create(app.url(Exports.base(t.project()))))
          .header("Authorization", "Bearer " + t.token()).header("Content-Type", "application/json")
          .header("Idempotency-Key", key).POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
      return new TestApp.Res(res.statusCode(), new JsonObject(res.body()), res);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String suffix(Fixtures.Tenant t) {
    return t.project().toString().substring(0, 8);
  }

  private static Connection open() throws Exception {
    Connection c = DriverManager.getConnection(TestServices.jdbcUrl(app.config), "postgres", "postgres");
    c.setAutoCommit(false);
    return c;
  }

  private static void execute(Connection c, String sql, Object... args) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    }
  }
}
