package io.linkexport.webhooks;

import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Mailbox;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.WebhookReceiver;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end on the shared service (private targets allowed, a day of retries compressed into 2.1 s by
 * {@code WEBHOOK_RETRY_SCHEDULE}): registration, Standard Webhooks signatures checked by the receiver's own code,
 * one event per job, retries until a receiver is back, redirects never followed, and an endpoint that fails every
 * attempt disabled with an email to the owner.
 */
class WebhooksIT {

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
    return "/api/v1/projects/" + project + "/webhooks";
  }

  /** Registers an endpoint and answers the create reply's data (asserts the 201). */
  static JsonObject register(Fixtures.Tenant t, String url, JsonArray events) {
    JsonObject body = new JsonObject().put("url", url);
    if (events != null) {
      body.put("events", events);
    }
    TestApp.Res res = app.post(base(t.project()), t.token(), body.encode());
    assertThat(res.status()).as(res.raw().body()).isEqualTo(201);
    return res.data();
  }

  static JsonObject listed(Fixtures.Tenant t, String id) {
    TestApp.Res res = app.get(base(t.project()), t.token());
    assertThat(res.status()).as(res.raw().body()).isEqualTo(200);
    return res.json().getJsonArray("data").stream().map(o -> (JsonObject) o)
      .filter(w -> w.getString("id").equals(id)).findFirst().orElseThrow();
  }

  /** Verifies that completed, cancelled and failed exports each reach their subscribers once, signed, without a URL. */
  @Test
  void eachFinishedExportReachesItsSubscribersOnceSignedAndWithoutADownloadUrl() throws Exception {
    Fixtures.Tenant t = db.tenant("Hooks " + UUID.randomUUID(), "pro", "hooks-owner@example.com");
    db.link(t.project(), "hook-a-" + UUID.randomUUID()).insert();
    db.link(t.project(), "hook-b-" + UUID.randomUUID()).insert();
    try (WebhookReceiver receiver = new WebhookReceiver(n -> 204)) {
      JsonObject all = register(t, receiver.url("/all"), null);
      JsonObject completedOnly = register(t, receiver.url("/completed"), new JsonArray().add("export.completed"));
      String secret = all.getString("secret");
      assertThat(secret).startsWith("whsec_");
      assertThat(completedOnly.getString("secret")).startsWith("whsec_").isNotEqualTo(secret);
      assertThat(all.getJsonArray("events")).containsExactly("export.completed", "export.failed");
      assertThat(listed(t, all.getString("id")).containsKey("secret")).as("the secret is shown once").isFalse();

      String done = Exports.start(app, t.project(), t.token(), new JsonObject());
      assertThat(Exports.await(app, t.project(), t.token(), done, Duration.ofSeconds(60)).getString("status"))
        .isEqualTo("completed");
      UUID pending = db.uuid("INSERT INTO export_jobs (project_id, requested_by, filters, run_after)"
        + " VALUES (?, ?, '{}'::jsonb, now() + interval '1 hour') RETURNING id", t.project(), t.user());
      assertThat(app.delete(Exports.base(t.project()) + "/" + pending, t.token()).status()).isEqualTo(200);
      // a link without its rollups row makes the cursor read fewer links than the count: the job fails for good
      db.exec("DELETE FROM link_stats WHERE link_id = (SELECT id FROM links WHERE project_id = ? LIMIT 1)",
        t.project());
      UUID broken = UUID.fromString(Exports.start(app, t.project(), t.token(), new JsonObject()));
      assertThat(Exports.await(app, t.project(), t.token(), broken.toString(), Duration.ofSeconds(60))
        .getString("status")).isEqualTo("failed");

      waitDelivered(t, all.getString("id"), 3);
      waitDelivered(t, completedOnly.getString("id"), 1);

      List<WebhookReceiver.Request> got = receiver.to("/all");
      assertThat(got).hasSize(3);
      assertThat(got).allMatch(r -> WebhookReceiver.verify(secret, r), "signed with the endpoint's secret");
      assertThat(got).noneMatch(r -> WebhookReceiver.verify(completedOnly.getString("secret"), r));
      JsonObject completed = body(got, "msg_" + done.replace("-", "") + "_completed");
      assertThat(completed.getString("type")).isEqualTo("export.completed");
      assertThat(completed.getJsonObject("data").getString("jobId")).isEqualTo(done);
      assertThat(completed.getJsonObject("data").getString("status")).isEqualTo("completed");
      assertThat(completed.getJsonObject("data").getLong("rowCount")).isEqualTo(2L);
      JsonObject cancelled = body(got, "msg_" + pending.toString().replace("-", "") + "_failed");
      assertThat(cancelled.getString("type")).isEqualTo("export.failed");
      assertThat(cancelled.getJsonObject("data").getString("errorCode")).isEqualTo("CANCELLED");
      JsonObject failed = body(got, "msg_" + broken.toString().replace("-", "") + "_failed");
      assertThat(failed.getString("type")).isEqualTo("export.failed");
      assertThat(failed.getJsonObject("data").getString("status")).isEqualTo("failed");
      assertThat(failed.getJsonObject("data").getString("error")).isNotBlank();
      assertThat(got).allMatch(r -> !r.body().contains("downloadUrl") && !r.body().contains("X-Amz-Signature")
        && r.headers().get("content-type").startsWith("application/json"));

      List<WebhookReceiver.Request> onlyCompleted = receiver.to("/completed");
      assertThat(onlyCompleted).hasSize(1);
      assertThat(onlyCompleted.get(0).id()).isEqualTo("msg_" + done.replace("-", "") + "_completed");
      assertThat(WebhookReceiver.verify(completedOnly.getString("secret"), onlyCompleted.get(0))).isTrue();
      assertThat(listed(t, all.getString("id")).getJsonArray("recentDeliveries").stream()
        .map(o -> ((JsonObject) o).getString("status")).toList()).containsOnly("delivered").hasSize(3);
    }
  }

  /**
   * Verifies that a receiver that answers 503 to the first three attempts of every event (down for a while, a
   * day's hour compressed) gets every event once it answers again, each with a valid signature of its own attempt.
   */
  @Test
  void aReceiverThatIsDownGetsEveryEventWhenItIsBack() throws Exception {
    Fixtures.Tenant t = db.tenant("Hooks down " + UUID.randomUUID(), "pro", "hooks-down@example.com");
    WebhookReceiver.Responder down = (earlier, r) ->
      earlier.stream().filter(e -> e.id().equals(r.id())).count() < 3 ? 503 : 200;
    try (WebhookReceiver receiver = new WebhookReceiver(down)) {
      JsonObject hook = register(t, receiver.url("/down"), null);
      List<String> events = List.of(test(t, hook), test(t, hook), test(t, hook));
      waitDelivered(t, hook.getString("id"), 3);
      List<WebhookReceiver.Request> got = receiver.to("/down");
      assertThat(got).allMatch(r -> WebhookReceiver.verify(hook.getString("secret"), r));
      assertThat(got).hasSize(12);
      assertThat(got.stream().filter(r -> r.status() == 503)
        .collect(Collectors.groupingBy(WebhookReceiver.Request::id, Collectors.counting())))
        .as("three refused attempts per event").containsOnlyKeys(events)
        .allSatisfy((id, n) -> assertThat(n).isEqualTo(3));
      assertThat(got.stream().filter(r -> r.status() == 200).map(WebhookReceiver.Request::id).toList())
        .as("accepted once each").containsExactlyInAnyOrderElementsOf(events);
    }
  }

  /** Verifies that a redirect is a failed attempt and is never followed, and that a day of failures disables. */
  @Test
  void aRedirectIsNeverFollowedAndAnEndpointFailingForADayIsDisabledAndItsOwnersEmailed() throws Exception {
    String email = "hooks-owner-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    Fixtures.Tenant t = db.tenant("Hooks broken " + UUID.randomUUID(), "pro", email);
    // the owner's address is on record once the owner used the dashboard (as for export emails)
    db.exec("INSERT INTO app_users (id, email) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET email = excluded.email",
      t.user(), email);
    try (WebhookReceiver internal = new WebhookReceiver(n -> 200);
         WebhookReceiver receiver = new WebhookReceiver(n -> 303)) {
      receiver.redirectTo(internal.url("/metadata"));
      JsonObject hook = register(t, receiver.url("/moved"), null);
      test(t, hook);
      Await.until("the endpoint to be disabled", Duration.ofSeconds(30),
        () -> !listed(t, hook.getString("id")).getBoolean("enabled"));
      JsonObject after = listed(t, hook.getString("id"));
      assertThat(after.getString("disabledReason")).contains("every delivery failed for a day")
        .contains("answered 303");
      JsonObject delivery = after.getJsonArray("recentDeliveries").getJsonObject(0);
      assertThat(delivery.getString("status")).isEqualTo("failed");
      assertThat(delivery.getInteger("attempts")).isEqualTo(7);
      assertThat(delivery.getInteger("lastStatus")).isEqualTo(303);
      assertThat(receiver.to("/moved")).hasSize(7);
      assertThat(internal.requests()).as("the redirect's target").isEmpty();

      Await.until("the owner's email", Duration.ofSeconds(30),
        () -> Mailbox.to(TestServices.get().smtp(), email).stream().anyMatch(WebhooksIT::aboutDisabledHook));
      // a paused endpoint gets no new events and cannot be tested; resuming it lets them through again
      assertThat(app.post(base(t.project()) + "/" + hook.getString("id") + "/test", t.token(), "").status())
        .isEqualTo(409);
      TestApp.Res resumed = app.patch(base(t.project()) + "/" + hook.getString("id"), t.token(),
        new JsonObject().put("enabled", true).encode());
      assertThat(resumed.status()).as(resumed.raw().body()).isEqualTo(200);
      assertThat(resumed.data().getBoolean("enabled")).isTrue();
    }
  }

  /**
   * Verifies that the per-project limit holds against registrations sent at once: exactly the limit's endpoints, the
   * rest 409 (the count and the insert were one statement without a lock, and concurrent ones passed the limit).
   */
  @Test
  void registrationsSentAtOnceStopExactlyAtTheLimit() throws Exception {
    Fixtures.Tenant t = db.tenant("Hooks limit " + UUID.randomUUID(), "pro", "hooks-limit@example.com");
    for (int i = 0; i < WebhookStore.MAX_ENDPOINTS - 4; i++) {
      register(t, "https://127.0.0.1:9/hook-" + i, null);
    }
    List<Integer> statuses = io.linkexport.support.Concurrent.posts(app, base(t.project()), t.token(),
      new JsonObject().put("url", "https://127.0.0.1:9/late").encode(), 16);
    assertThat(statuses.stream().filter(s -> s == 201).count()).as("%s", statuses).isEqualTo(4);
    assertThat(statuses.stream().filter(s -> s == 409).count()).as("%s", statuses).isEqualTo(12);
    assertThat(db.count("SELECT count(*) FROM webhook_endpoints WHERE project_id = ?", t.project()))
      .isEqualTo(WebhookStore.MAX_ENDPOINTS);
  }

  private static boolean aboutDisabledHook(jakarta.mail.internet.MimeMessage m) {
    try {
      return m.getSubject().contains("was disabled");
    } catch (jakarta.mail.MessagingException e) {
      return false;
    }
  }

  /** Sends a test event and answers its id. */
  private static String test(Fixtures.Tenant t, JsonObject hook) {
    TestApp.Res res = app.post(base(t.project()) + "/" + hook.getString("id") + "/test", t.token(), "");
    assertThat(res.status()).as(res.raw().body()).isEqualTo(202);
    return res.data().getString("eventId");
  }

  private static void waitDelivered(Fixtures.Tenant t, String hookId, int n) {
    Await.until(n + " deliveries of " + hookId, Duration.ofSeconds(30), () -> listed(t, hookId)
      .getJsonArray("recentDeliveries").stream().filter(o -> "delivered".equals(((JsonObject) o).getString("status")))
      .count() == n);
  }

  private static JsonObject body(List<WebhookReceiver.Request> got, String id) {
    return got.stream().filter(r -> id.equals(r.id())).map(r -> new JsonObject(r.body())).findFirst().orElseThrow();
  }
}
