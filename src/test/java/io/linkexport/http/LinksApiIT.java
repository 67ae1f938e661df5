package io.linkexport.http;

import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The links list API against the real service, on data written for this test only. */
class LinksApiIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static UUID other;
  static UUID user;
  static UUID outsider;
  static String token;
  static UUID folder;
  static UUID marketing;
  static String s;
  static UUID l1;

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Links API " + s, "pro");
    user = db.member(project);
    other = db.project("Other " + s, "pro");
    outsider = db.member(other);
    token = TestTokens.session(user, "owner@example.com");
    folder = db.folder(project, "Campaigns");
    marketing = db.tag(project, "Marketing");
    UUID sales = db.tag(project, "Sales");

    l1 = db.link(project, "alpha-" + s).name("Alpha").folder(folder).tenant("t1").user(user)
      .createdAt(Instant.parse("2025-01-10T12:00:00.000Z")).insert();
    UUID l2 = db.link(project, "beta-" + s).domain("go.acme.com").name("Beta").type("unified")
      .createdAt(Instant.parse("2025-01-20T00:00:00Z")).insert();
    UUID l3 = db.link(project, "gamma_50%-" + s).name("Promo 50% off").archived(true)
      .createdAt(Instant.parse("2025-02-05T23:59:59Z")).insert();
    db.link(project, "delta-" + s).name(null).url("https://example.com/special_a_path")
      .createdAt(Instant.parse("2025-02-15T08:00:00Z")).insert();
    db.link(other, "alpha-other-" + s).name("Alpha").insert();
    db.tagLink(l1, marketing);
    db.tagLink(l2, sales);
    Instant t = Instant.parse("2025-03-01T10:00:00Z");
    db.clicks(l1, 3, "iPhone", "iOS", "Safari", "US", t);
    db.clicks(l1, 2, "Pixel", "Android", "Chrome", "DE", t.plusSeconds(60));
    db.clicks(l2, 10, "Desktop", "macOS", "Chrome", "FR", t);
    db.clicks(l3, 1, null, null, null, null, t);
    db.installs(l1, 2, "install");
    db.installs(l1, 1, "reopen");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static List<String> names(String query) {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links" + query, token);
    assertThat(res.status()).as(res.raw().body()).isEqualTo(200);
    assertThat(res.json().getBoolean("success")).isTrue();
    JsonArray data = res.json().getJsonArray("data");
    return data.stream().map(o -> ((JsonObject) o).getString("key").replace("-" + s, "")).toList();
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  @Test
  void listsNonArchivedLinksNewestFirstByDefault() {
    assertThat(names("")).containsExactly("delta", "beta", "alpha");
  }

  @Test
  void showArchivedIncludesArchivedLinks() {
    assertThat(names("?showArchived=true")).containsExactly("delta", "gamma_50%", "beta", "alpha");
  }

  @Test
  void sortsByClicksNameAndLastClickedBothWays() {
    assertThat(names("?sortBy=clicks")).containsExactly("beta", "alpha", "delta");
    assertThat(names("?sortBy=clicks&sortOrder=asc")).containsExactly("delta", "alpha", "beta");
    assertThat(names("?sortBy=name&sortOrder=asc")).containsExactly("alpha", "beta", "delta");
    assertThat(names("?sortBy=lastClicked")).containsExactly("alpha", "beta", "delta");
    assertThat(names("?sortBy=installs")).first().isEqualTo("alpha");
  }

  @Test
  void filtersByDomainTypeFolderUserAndTenant() {
    assertThat(names("?domain=go.acme.com")).containsExactly("beta");
    assertThat(names("?type=unified")).containsExactly("beta");
    assertThat(names("?folderId=" + folder)).containsExactly("alpha");
    assertThat(names("?userId=" + user)).containsExactly("alpha");
    assertThat(names("?tenantId=t1")).containsExactly("alpha");
  }

  @Test
  void filtersByTagIdsAndCaseInsensitiveTagNames() {
    assertThat(names("?tagIds=" + marketing)).containsExactly("alpha");
    assertThat(names("?tagNames=SALES")).containsExactly("beta");
    assertThat(names("?tagNames=sales,marketing")).containsExactly("beta", "alpha");
  }

  @Test
  void searchMatchesSlugNameAndUrlWithLiteralWildcards() {
    assertThat(names("?search=" + enc("ALPH"))).containsExactly("alpha");
    assertThat(names("?search=special")).containsExactly("delta");
    assertThat(names("?showArchived=true&search=" + enc("50%"))).containsExactly("gamma_50%");
    assertThat(names("?showArchived=true&search=" + enc("%"))).containsExactly("gamma_50%");
    assertThat(names("?search=" + enc("a_p"))).containsExactly("delta");
  }

  @Test
  void createdBoundsAreInclusiveWholeUtcDays() {
    assertThat(names("?showArchived=true&createdAfter=2025-01-20&createdBefore=2025-02-05"))
      .containsExactly("gamma_50%", "beta");
    assertThat(names("?createdAfter=" + enc("2025-01-10T12:00:00.000Z") + "&createdBefore=" + enc("2025-01-10T12:00:00.000Z")))
      .containsExactly("alpha");
  }

  @Test
  void pagesDoNotOverlapAndSayWhetherMoreExist() {
    TestApp.Res p1 = app.get("/api/v1/projects/" + project + "/links?pageSize=2", token);
    TestApp.Res p2 = app.get("/api/v1/projects/" + project + "/links?pageSize=2&page=2", token);
    assertThat(p1.json().getJsonObject("meta").getBoolean("hasMore")).isTrue();
    assertThat(p2.json().getJsonObject("meta").getBoolean("hasMore")).isFalse();
    assertThat(p1.json().getJsonArray("data")).hasSize(2);
    assertThat(p2.json().getJsonArray("data")).hasSize(1);
    assertThat(names("?pageSize=2")).containsExactly("delta", "beta");
    assertThat(names("?pageSize=2&page=2")).containsExactly("alpha");
  }

  @Test
  void linksCarryDubFieldsAndTheirAnalytics() {
    JsonObject alpha = app.get("/api/v1/projects/" + project + "/links?search=alpha", token).json()
      .getJsonArray("data").getJsonObject(0);
    assertThat(alpha.getString("id")).isEqualTo(l1.toString());
    assertThat(alpha.getString("shortLink")).isEqualTo("https://dub.sh/alpha-" + s);
    assertThat(alpha.getString("domain")).isEqualTo("dub.sh");
    assertThat(alpha.getString("folderId")).isEqualTo(folder.toString());
    assertThat(alpha.getString("createdAt")).isEqualTo("2025-01-10T12:00:00.000Z");
    assertThat(alpha.getJsonArray("tags").getJsonObject(0).getString("name")).isEqualTo("Marketing");
    assertThat(alpha.getLong("clicks")).isEqualTo(5);
    assertThat(alpha.getLong("newInstalls")).isEqualTo(2);
    assertThat(alpha.getLong("returningUsers")).isEqualTo(1);
    assertThat(alpha.getString("topDevice")).isEqualTo("iPhone");
    assertThat(alpha.getString("topCountry")).isEqualTo("US");
    assertThat(alpha.getString("lastClicked")).isEqualTo("2025-03-01T10:01:00.000Z");
  }

  /**
   * Verifies the exact shape of a link: every field in a fixed order, empty ones as JSON null (not left out), tags
   * as {id, name, color} sorted by name; a name with quotes, a line break and an emoji survives the encoding.
   */
  @Test
  void linksHaveEveryFieldInOrderWithNullsAndSortedTags() {
    UUID zeta = db.tag(project, "Zeta");
    UUID odd = db.link(project, "shape-" + s).name("Say \"hi\"\n🚀 \\ done").createdAt(Instant.parse(
      "2024-12-31T23:59:59.5Z")).insert();
    db.tagLink(odd, zeta);
    db.tagLink(odd, marketing);
    try {
      TestApp.Res res = app.get("/api/v1/projects/" + project + "/links?search=shape-", token);
      JsonObject link = res.json().getJsonArray("data").getJsonObject(0);
      assertThat(link.fieldNames()).containsExactly("id", "domain", "key", "url", "shortLink", "name", "type",
        "archived", "expiresAt", "tags", "folderId", "tenantId", "externalId", "userId", "ios", "android",
        "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "createdAt", "updatedAt", "clicks",
        "newInstalls", "returningUsers", "attributedClicks", "topDevice", "topOs", "topBrowser", "topCountry",
        "lastClicked");
      assertThat(link.getString("name")).isEqualTo("Say \"hi\"\n🚀 \\ done");
      assertThat(link.getString("createdAt")).isEqualTo("2024-12-31T23:59:59.500Z");
      assertThat(link.getBoolean("archived")).isFalse();
      for (String empty : List.of("expiresAt", "folderId", "tenantId", "externalId", "ios", "topDevice",
        "lastClicked")) {
        assertThat(link.containsKey(empty)).as(empty).isTrue();
        assertThat(link.getValue(empty)).as(empty).isNull();
      }
      assertThat(link.getLong("clicks")).isZero();
      assertThat(link.getJsonArray("tags")).containsExactly(
        new JsonObject().put("id", marketing.toString()).put("name", "Marketing").putNull("color"),
        new JsonObject().put("id", zeta.toString()).put("name", "Zeta").putNull("color"));
    } finally {
      db.exec("DELETE FROM links WHERE id = ?", odd);
      db.exec("DELETE FROM tags WHERE id = ?", zeta);
    }
  }

  @Test
  void countsMatchingLinks() {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links/count?showArchived=true", token);
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.json().getLong("data")).isEqualTo(4);
  }

  @Test
  void badParametersGet400NamingTheField() {
    for (String q : List.of("sortBy=clickz", "pageSize=500", "createdAfter=tomorrow", "folderId=1", "unknown=1")) {
      TestApp.Res res = app.get("/api/v1/projects/" + project + "/links?" + q, token);
      assertThat(res.status()).as(q).isEqualTo(400);
      JsonObject error = res.json().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("BAD_REQUEST");
      assertThat(error.getString("field")).isEqualTo(q.substring(0, q.indexOf('=')));
      assertThat(res.json().getBoolean("success")).isFalse();
    }
  }

  /**
   * Verifies that a list page past the first 10,000 links is a 400 naming page and saying what to do instead, while
   * the count and an export with the very same parameters are answered: they ignore paging.
   */
  @Test
  void aPagePastTheFirstTenThousandLinksIsA400ButTheCountAndTheExportAreNot() {
    String links = "/api/v1/projects/" + project + "/links";
    String deep = "?showArchived=true&pageSize=100&page=101";
    TestApp.Res list = app.get(links + deep, token);
    assertThat(list.status()).as(list.raw().body()).isEqualTo(400);
    JsonObject error = list.json().getJsonObject("error");
    assertThat(error.getString("field")).isEqualTo("page");
    assertThat(error.getString("message")).contains("10,000").contains("narrow the filters (for example createdBefore)")
      .contains("export the links");
    assertThat(app.get(links + "?pageSize=100&page=100", token).status()).as("the deepest page served").isEqualTo(200);
    assertThat(app.get(links + "?pageSize=1&page=10000", token).status()).isEqualTo(200);

    TestApp.Res count = app.get(links + "/count" + deep, token);
    assertThat(count.status()).as(count.raw().body()).isEqualTo(200);
    assertThat(count.json().getLong("data")).isEqualTo(4);
    String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true).put("pageSize", 100)
      .put("page", 101));
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(60));
    assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(4);
  }

  /** Verifies that every response, success or error, tells browsers not to sniff another content type. */
  @Test
  void everyResponseSuccessOrErrorSaysNosniff() throws Exception {
    String links = "/api/v1/projects/" + project + "/links";
    List<String> paths = List.of(links, links + "/count", links + "/export", "/api/v1/projects", links + "?page=0",
      links + "?pageSize=100&page=101", "/api/v1/projects/" + UUID.randomUUID() + "/links", "/api/v1/nothing-here",
      "/health", "/", "/app.js");
    Set<Integer> statuses = new TreeSet<>();
    for (String path : paths) {
      for (String auth : new String[] {token, null}) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(app.url(path)));
        if (auth != null) {
          req.header("Authorization", "Bearer " + auth);
        }
        HttpResponse<String> res = app.http().send(req.build(), HttpResponse.BodyHandlers.ofString());
        statuses.add(res.statusCode());
        assertThat(res.headers().firstValue("X-Content-Type-Options")).as("%s -> %d", path, res.statusCode())
          .contains("nosniff");
      }
    }
    assertThat(statuses).contains(200, 400, 401, 404);
  }

  @Test
  void requiresAValidToken() {
    TestApp.Res none = app.get("/api/v1/projects/" + project + "/links", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.errorCode()).isEqualTo("UNAUTHORIZED");
    assertThat(app.get("/api/v1/projects/" + project + "/links", "not.a.jwt").status()).isEqualTo(401);
    assertThat(app.get("/api/v1/projects/" + project + "/links", token + "x").status()).isEqualTo(401);
  }

  @Test
  void hidesProjectsTheUserIsNotAMemberOf() {
    String outsiderToken = TestTokens.session(outsider, "outsider@example.com");
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links", outsiderToken);
    assertThat(res.status()).isEqualTo(404);
    assertThat(app.get("/api/v1/projects/" + UUID.randomUUID() + "/links", token).status()).isEqualTo(404);
    assertThat(app.get("/api/v1/projects/not-a-uuid/links", token).status()).isEqualTo(404);
    // the other project's link never shows up in this project's list
    assertThat(names("?search=alpha")).containsExactly("alpha");
  }
}
