package io.linkexport.http;

import io.linkexport.db.Db;
import io.linkexport.http.auth.ApiKeys;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's project picker ({@code GET /api/v1/projects}) lists exactly the session user's projects with their
 * plan; API keys and anonymous callers are refused. The page itself is served at {@code /} with a strict CSP.
 */
class ProjectsAndPageIT {

  static TestApp app;
  static Fixtures db;
  static UUID user;
  static UUID alpha;
  static UUID beta;
  static UUID foreign;
  static String key;

  @BeforeAll
  static void seed() throws Exception {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    beta = db.project("beta " + s, "free");
    alpha = db.project("Alpha " + s, "pro");
    foreign = db.project("Foreign " + s, "enterprise");
    user = db.member(alpha);
    db.exec("INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, 'member')", beta, user);
    db.member(foreign);
    Pool pool = Db.pool(app.vertx, app.config, 1);
    key = ApiKeys.create(pool, alpha, "sdk").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    pool.close();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void aSessionListsItsOwnProjectsByNameWithTheirPlan() {
    TestApp.Res res = app.get("/api/v1/projects", TestTokens.session(user, "pick@example.com"));
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.json().getBoolean("success")).isTrue();
    JsonArray projects = res.json().getJsonArray("data");
    assertThat(projects.stream().map(o -> ((JsonObject) o).getString("id")).toList())
      .as("case-insensitive by name, only the user's").containsExactly(alpha.toString(), beta.toString());
    JsonObject first = projects.getJsonObject(0);
    assertThat(first.getString("plan")).isEqualTo("pro");
    assertThat(first.getString("role")).isEqualTo("owner");
    assertThat(projects.getJsonObject(1).getString("plan")).isEqualTo("free");
  }

  @Test
  void aUserWithoutProjectsGetsAnEmptyList() {
    TestApp.Res res = app.get("/api/v1/projects", TestTokens.session(UUID.randomUUID(), "new@example.com"));
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.json().getJsonArray("data")).isEmpty();
  }

  @Test
  void anApiKeyOrNoTokenIsRefused() {
    TestApp.Res byKey = app.get("/api/v1/projects", key);
    assertThat(byKey.status()).isEqualTo(403);
    assertThat(byKey.json().getJsonObject("error").getString("message")).contains("dashboard session");
    TestApp.Res anonymous = app.get("/api/v1/projects", null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().getBoolean("success")).isFalse();
  }

  /**
   * Verifies that the dashboard's pickers are fed by the API: a project's tags and folders, by name
   * case-insensitively, for a session or the project's API key, only that project's; another project's are a 404.
   */
  @Test
  void theTagAndFolderPickersListTheProjectsOwnByName() {
    UUID zebra = db.tag(alpha, "zebra");
    UUID apple = db.tag(alpha, "Apple");
    db.tag(foreign, "foreign tag");
    UUID later = db.folder(alpha, "later");
    UUID early = db.folder(alpha, "Early");
    db.folder(foreign, "foreign folder");
    for (String token : List.of(TestTokens.session(user, "pick@example.com"), key)) {
      TestApp.Res tags = app.get("/api/v1/projects/" + alpha + "/tags", token);
      assertThat(tags.status()).isEqualTo(200);
      assertThat(tags.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .containsExactly(apple.toString(), zebra.toString());
      assertThat(tags.json().getJsonArray("data").getJsonObject(0).getString("name")).isEqualTo("Apple");
      assertThat(tags.json().getJsonObject("meta").getBoolean("truncated")).isFalse();
      TestApp.Res folders = app.get("/api/v1/projects/" + alpha + "/folders", token);
      assertThat(folders.status()).isEqualTo(200);
      assertThat(folders.json().getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .containsExactly(early.toString(), later.toString());
    }
    String session = TestTokens.session(user, "pick@example.com");
    assertThat(app.get("/api/v1/projects/" + foreign + "/tags", session).status()).isEqualTo(404);
    assertThat(app.get("/api/v1/projects/" + foreign + "/folders", session).status()).isEqualTo(404);
    assertThat(app.get("/api/v1/projects/" + beta + "/tags", key).status()).as("a key of another project")
      .isEqualTo(404);
  }

  /** Verifies that the count answers the export caps beside the number, so the dashboard warns before an export. */
  @Test
  void theCountCarriesTheExportCaps() {
    TestApp.Res count = app.get("/api/v1/projects/" + alpha + "/links/count", key);
    assertThat(count.status()).isEqualTo(200);
    assertThat(count.json().getJsonObject("meta").getLong("exportMaxRows")).isEqualTo(app.config.exportMaxRows());
    assertThat(count.json().getJsonObject("meta").getLong("exportMaxTotalRows"))
      .isEqualTo(app.config.exportMaxTotalRows());
  }

  @Test
  void thePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
    for (String path : List.of("/", "/app.js", "/app.css")) {
      HttpResponse<String> res = app.http().send(HttpRequest.newBuilder(URI.create(app.url(path))).build(),
        HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(path).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("script-src 'self'").contains("frame-ancestors 'none'");
      assertThat(res.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
    HttpResponse<String> index = app.http().send(HttpRequest.newBuilder(URI.create(app.url("/"))).build(),
      HttpResponse.BodyHandlers.ofString());
    assertThat(index.headers().firstValue("Content-Type")).get().asString().startsWith("text/html");
    assertThat(index.body()).contains("<script src=\"app.js\"").doesNotContain("<script>");
  }
}
