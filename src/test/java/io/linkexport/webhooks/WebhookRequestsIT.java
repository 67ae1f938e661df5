package io.linkexport.webhooks;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.http.auth.ApiKeys;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may manage webhooks and what a bad request gets: a 4xx naming the field that stores nothing. The SSRF refusals
 * run on a service with the production setting (no private targets, https only).
 */
class WebhookRequestsIT {

  private static final String BODY = new JsonObject().put("url", "http://127.0.0.1:9/hook").encode();

  private static String base(UUID project) {
    return "/api/v1/projects/" + project + "/webhooks";
  }

  private static void refused(TestApp.Res res, int status, String field) {
    assertThat(res.status()).as(res.raw().body()).isEqualTo(status);
    if (field != null) {
      assertThat(res.json().getJsonObject("error").getString("field")).as(res.raw().body()).isEqualTo(field);
    }
  }

  /** Verifies roles, plans, API keys and malformed bodies; none of them stores an endpoint. */
  @Test
  void onlyOwnersAndAdminsOfPaidProjectsWithASessionManageWebhooksAndBadInputNamesItsField() throws Exception {
    TestApp app = TestApp.get();
    try (Fixtures db = new Fixtures()) {
      Fixtures.Tenant t = db.tenant("Hook rules " + UUID.randomUUID(), "pro", "hook-rules@example.com");
      Fixtures.Tenant free = db.tenant("Hook free " + UUID.randomUUID(), "free", "hook-free@example.com");
      String member = TestTokens.session(db.member(t.project(), "member"), "m@example.com");
      String viewer = TestTokens.session(db.member(t.project(), "viewer"), "v@example.com");
      String admin = TestTokens.session(db.member(t.project(), "admin"), "a@example.com");
      String stranger = TestTokens.session(UUID.randomUUID(), "s@example.com");
      Pool pool = Db.pool(app.vertx, app.config, 1);
      String key = ApiKeys.create(pool, t.project(), "sdk").toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
      pool.close();

      refused(app.post(base(free.project()), free.token(), BODY), 402, null);
      refused(app.post(base(t.project()), member, BODY), 403, null);
      refused(app.get(base(t.project()), viewer), 403, null);
      refused(app.post(base(t.project()), key, BODY), 403, null);
      refused(app.get(base(t.project()), key), 403, null);
      refused(app.post(base(t.project()), stranger, BODY), 404, null);
      refused(app.post(base(t.project()), t.token(), "{}"), 400, "url");
      refused(app.post(base(t.project()), t.token(), "[1]"), 400, "body");
      refused(app.post(base(t.project()), t.token(), new JsonObject().put("url", 7).encode()), 400, "url");
      refused(app.post(base(t.project()), t.token(), new JsonObject().put("url", "ftp://127.0.0.1/x").encode()),
        400, "url");
      refused(app.post(base(t.project()), t.token(), new JsonObject().put("url", "http://127.0.0.1/x")
        .put("events", new JsonArray().add("export.started")).encode()), 400, "events");
      refused(app.post(base(t.project()), t.token(), new JsonObject().put("url", "http://127.0.0.1/x")
        .put("events", new JsonArray()).encode()), 400, "events");
      assertThat(db.count("SELECT count(*) FROM webhook_endpoints WHERE project_id IN (?, ?)", t.project(),
        free.project())).as("nothing stored").isZero();

      TestApp.Res created = app.post(base(t.project()), admin, BODY);
      assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
      String id = created.data().getString("id");
      assertThat(app.get(base(t.project()), member).status()).as("members see them").isEqualTo(200);
      refused(app.patch(base(t.project()) + "/" + id, t.token(), "{}"), 400, "enabled");
      refused(app.patch(base(t.project()) + "/" + id, t.token(), "{\"enabled\":\"no\"}"), 400, "enabled");
      refused(app.delete(base(t.project()) + "/" + id, member), 403, null);
      refused(app.delete(base(t.project()) + "/not-a-uuid", t.token()), 404, null);
      refused(app.delete(base(free.project()) + "/" + id, free.token()), 402, null);
      refused(app.post(base(t.project()) + "/" + UUID.randomUUID() + "/test", t.token(), ""), 404, null);
      TestApp.Res paused = app.patch(base(t.project()) + "/" + id, t.token(), "{\"enabled\":false}");
      assertThat(paused.status()).as(paused.raw().body()).isEqualTo(200);
      assertThat(paused.data().getBoolean("enabled")).isFalse();
      assertThat(paused.data().getString("disabledReason")).isEqualTo("paused by a member");
      assertThat(app.delete(base(t.project()) + "/" + id, t.token()).status()).isEqualTo(200);
      refused(app.delete(base(t.project()) + "/" + id, t.token()), 404, null);
      assertThat(db.count("SELECT count(*) FROM webhook_endpoints WHERE project_id = ?", t.project())).isZero();
    }
  }

  /**
   * Verifies that with the production setting a URL that is plain http or resolves to loopback, a private or a
   * link-local address (the cloud metadata service) is a 400 naming url, and that nothing is stored.
   */
  @Test
  void inProductionPrivateTargetsAndPlainHttpAreRefused() {
    TestApp app = TestApp.isolated(new JsonObject().put(AppConfig.WEBHOOK_ALLOW_PRIVATE_TARGETS, false)
      .put(AppConfig.EXPORT_WORKERS, 0));
    try (Fixtures db = Fixtures.of(app)) {
      Fixtures.Tenant t = db.tenant("Hook SSRF " + UUID.randomUUID(), "pro", "ssrf@example.com");
      for (String url : List.of("https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest",
        "https://localhost/hook", "https://[::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://0.0.0.0/",
        "https://192.168.1.20:8443/hook", "http://93.184.215.14/hook")) {
        TestApp.Res res = app.post(base(t.project()), t.token(), new JsonObject().put("url", url).encode());
        assertThat(res.status()).as(url + ": " + res.raw().body()).isEqualTo(400);
        assertThat(res.json().getJsonObject("error").getString("field")).as(url).isEqualTo("url");
      }
      assertThat(db.count("SELECT count(*) FROM webhook_endpoints")).isZero();
      TestApp.Res accepted = app.post(base(t.project()), t.token(),
        new JsonObject().put("url", "https://93.184.215.14/hook").encode());
      assertThat(accepted.status()).as(accepted.raw().body()).isEqualTo(201);
    } finally {
      app.close();
    }
  }
}
