package io.linkexport.http;

import io.linkexport.http.auth.ApiKeys;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.db.Db;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SDK API keys list links of their own project only and never export; health and unknown routes answer JSON. */
class ApiKeyAndHealthIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static UUID other;
  static String key;
  static String revoked;

  @BeforeAll
  static void seed() throws Exception {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Keys " + s, "pro");
    other = db.project("Keys other " + s, "pro");
    db.link(project, "key-" + s).insert();
    Pool pool = Db.pool(app.vertx, app.config, 1);
    key = ApiKeys.create(pool, project, "sdk").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    revoked = ApiKeys.create(pool, project, "old").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    pool.close();
    db.exec("UPDATE api_keys SET revoked_at = now() WHERE name = 'old' AND project_id = ?", project);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void anApiKeyListsItsOwnProjectsLinks() {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links", key);
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.json().getJsonArray("data")).hasSize(1);
    assertThat(db.count("SELECT count(*) FROM api_keys WHERE key_hash = sha256(convert_to(?, 'UTF8'))", key))
      .as("only the hash is stored").isEqualTo(1);
  }

  @Test
  void anApiKeyCannotReadAnotherProject() {
    assertThat(app.get("/api/v1/projects/" + other + "/links", key).status()).isEqualTo(404);
  }

  @Test
  void aRevokedOrUnknownKeyIsRefused() {
    assertThat(app.get("/api/v1/projects/" + project + "/links", revoked).status()).isEqualTo(401);
    assertThat(app.get("/api/v1/projects/" + project + "/links", "lx_unknown").status()).isEqualTo(401);
  }

  @Test
  void exportsNeedADashboardSessionNotAnApiKey() {
    TestApp.Res res = app.post(Exports.base(project), key, "{}");
    assertThat(res.status()).isEqualTo(403);
    assertThat(res.json().getJsonObject("error").getString("message")).contains("dashboard session");
    assertThat(app.get(Exports.base(project), key).status()).isEqualTo(403);
    assertThat(app.get(Exports.base(project) + "/" + UUID.randomUUID(), key).status()).isEqualTo(403);
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isZero();
  }

  /** Verifies that /health (readiness's alias) reports each of readiness's checks up. */
  @Test
  void healthReportsPostgres() {
    TestApp.Res res = app.get("/health", null);
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.json().getString("status")).isEqualTo("UP");
    assertThat(res.json().getJsonArray("checks").stream().map(c -> ((io.vertx.core.json.JsonObject) c).getString("id")))
      .containsExactlyInAnyOrder("postgres", "verticles", "draining");
  }

  @Test
  void unknownEndpointsAnswerJson404() {
    TestApp.Res res = app.get("/api/v1/nothing-here", key);
    assertThat(res.status()).isEqualTo(404);
    assertThat(res.json().getBoolean("success")).isFalse();
  }
}
