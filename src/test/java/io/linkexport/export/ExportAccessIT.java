package io.linkexport.export;

import io.linkexport.bus.BusClient;
import io.linkexport.bus.ServiceException;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may do what with exports (README, "Roles"), enforced by the export service for HTTP and event-bus callers
 * alike: the bus is not trusted to have checked anything, and an email never goes to an address the request names.
 */
class ExportAccessIT {

  static TestApp app;
  static Fixtures db;
  static ExportClient bus;

  @BeforeAll
  static void start() {
    app = TestApp.get();
    db = new Fixtures();
    bus = new ExportClient(BusClient.local(app.vertx.eventBus(), 5_000));
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  /** Verifies that a viewer lists links but gets 403 on every export endpoint. */
  @Test
  void aViewerListsLinksButUsesNoExport() {
    Fixtures.Tenant owner = tenantWithLinks("Viewer");
    String jobId = Exports.start(app, owner.project(), owner.token(), new JsonObject());
    Exports.await(app, owner.project(), owner.token(), jobId, Duration.ofSeconds(30));
    String viewer = token(db.member(owner.project(), "viewer"));
    String base = Exports.base(owner.project());

    assertThat(app.get("/api/v1/projects/" + owner.project() + "/links", viewer).status()).isEqualTo(200);
    for (TestApp.Res res : new TestApp.Res[] {app.post(base, viewer, "{}"), app.get(base, viewer),
      app.get(base + "/" + jobId, viewer), app.delete(base + "/" + jobId, viewer)}) {
      assertThat(res.status()).as(res.raw().request().method() + " " + res.raw().uri()).isEqualTo(403);
      assertThat(res.errorCode()).isEqualTo("FORBIDDEN");
    }
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", owner.project())).isEqualTo(1);
  }

  /** Verifies that a member cancels their own export but not another's, which an admin may cancel. */
  @Test
  void onlyTheStarterAnOwnerOrAnAdminCancelsAnExport() {
    Fixtures.Tenant owner = tenantWithLinks("Cancel");
    UUID memberId = db.member(owner.project(), "member");
    String member = token(memberId);
    String admin = token(db.member(owner.project(), "admin"));
    String base = Exports.base(owner.project());

    String ownersJob = held(owner.project());
    TestApp.Res byMember = app.delete(base + "/" + ownersJob, member);
    assertThat(byMember.status()).isEqualTo(403);
    assertThat(app.delete(base + "/" + ownersJob, admin).status()).isEqualTo(200);

    String membersJob = held(owner.project(), memberId);
    assertThat(app.delete(base + "/" + membersJob, member).status()).isEqualTo(200);
  }

  /**
   * Verifies that the bus's status and start check membership and role as HTTP does: a stranger gets 404, a viewer
   * 403, and a request without the user is a 400 naming it.
   */
  @Test
  void theBusAuthorisesEveryRequest() throws Exception {
    Fixtures.Tenant owner = tenantWithLinks("Bus access");
    String jobId = Exports.start(app, owner.project(), owner.token(), new JsonObject());
    Exports.await(app, owner.project(), owner.token(), jobId, Duration.ofSeconds(30));
    UUID job = UUID.fromString(jobId);

    assertThat(Await.result(bus.status(owner.project(), owner.user(), job)).getString("downloadUrl")).isNotNull();
    failsWith(bus.status(owner.project(), UUID.randomUUID(), job), 404, null);
    failsWith(bus.status(owner.project(), db.member(owner.project(), "viewer"), job), 403, null);
    failsWith(bus.start(new ExportRequest(owner.project(), db.member(owner.project(), "viewer"), null, null, null)),
      403, null);
    failsWith(app.vertx.eventBus().request(io.linkexport.bus.Addresses.EXPORT_STATUS, new JsonObject()
      .put("projectId", owner.project().toString()).put("jobId", jobId)).map(m -> m.body()), 400, "userId");
  }

  /**
   * Verifies that an export started over the bus mails the user's verified address (recorded from their dashboard
   * session) and that a request naming another address is refused.
   */
  @Test
  void theBusCannotNameAnotherRecipient() throws Exception {
    Fixtures.Tenant owner = tenantWithLinks("Recipient");
    String first = Exports.start(app, owner.project(), owner.token(), new JsonObject());
    Exports.await(app, owner.project(), owner.token(), first, Duration.ofSeconds(30));

    failsWith(bus.start(new ExportRequest(owner.project(), owner.user(), "attacker@evil.test", null, null)), 400,
      "email");
    String second = Await.result(bus.start(new ExportRequest(owner.project(), owner.user(), null, null, null)))
      .getString("jobId");
    assertThat(db.strings("SELECT requester_email FROM export_jobs WHERE id = ?", UUID.fromString(second)))
      .containsExactly(owner.email());
  }

  /**
   * Verifies that every export a session starts records its address, even one this node recorded before: when
   * another node has since recorded another address for the user (they changed it there, then changed it back), the
   * next export here mails the session's address, not the other node's.
   */
  @Test
  void theSessionsAddressIsRecordedAgainOnEveryStart() throws Exception {
    Fixtures.Tenant owner = tenantWithLinks("Readdress");
    String first = Exports.start(app, owner.project(), owner.token(), new JsonObject());
    Exports.await(app, owner.project(), owner.token(), first, Duration.ofSeconds(30));
    db.exec("UPDATE app_users SET email = 'elsewhere@example.com' WHERE id = ?", owner.user());

    String second = Exports.start(app, owner.project(), owner.token(), new JsonObject());
    assertThat(db.strings("SELECT email FROM app_users WHERE id = ?", owner.user())).containsExactly(owner.email());
    assertThat(db.strings("SELECT requester_email FROM export_jobs WHERE id = ?", UUID.fromString(second)))
      .containsExactly(owner.email());
  }

  private static void failsWith(Future<?> call, int status, String field) {
    assertThatThrownBy(() -> Await.result(call)).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.status()).as(e.toString()).isEqualTo(status);
      assertThat(e.field()).isEqualTo(field);
    });
  }

  private static Fixtures.Tenant tenantWithLinks(String name) {
    Fixtures.Tenant t = db.tenant(name, "pro", "owner-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com");
    db.bulkLinks(t.project(), 5, "acc-" + UUID.randomUUID().toString().substring(0, 6));
    return t;
  }

  /** A pending job no worker picks up (due in an hour), started by the project's first owner. */
  private static String held(UUID project) {
    return held(project, UUID.fromString(db.strings("SELECT user_id::text FROM project_members WHERE project_id = ?"
      + " AND role = 'owner'", project).get(0)));
  }

  private static String held(UUID project, UUID by) {
    db.exec("UPDATE export_jobs SET status = 'failed' WHERE project_id = ? AND status IN ('pending', 'processing')",
      project);
    return db.uuid("INSERT INTO export_jobs (project_id, requested_by, filters, run_after)"
      + " VALUES (?, ?, '{}'::jsonb, now() + interval '1 hour') RETURNING id", project, by).toString();
  }

  private static String token(UUID user) {
    return TestTokens.session(user, "u-" + user.toString().substring(0, 6) + "@example.com");
  }
}
