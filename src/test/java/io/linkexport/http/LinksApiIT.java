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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  static UUID l2;
  static UUID l3;
  static UUID l4;
  static UUID otherLink;

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
    l2 = db.link(project, "beta-" + s).domain("go.acme.com").name("Beta").type("unified")
      .createdAt(Instant.parse("2025-01-20T00:00:00Z")).insert();
    l3 = db.link(project, "gamma_50%-" + s).name("Promo 50% off").archived(true)
      .createdAt(Instant.parse("2025-02-05T23:59:59Z")).insert();
    l4 = db.link(project, "delta-" + s).name(null).url("https://example.com/special_a_path")
      .createdAt(Instant.parse("2025-02-15T08:00:00Z")).insert();
    otherLink = db.link(other, "alpha-other-" + s).name("Alpha").insert();
    // dub's link fields on alpha; its password must never come back
    db.exec("UPDATE links SET title = 'Alpha title', description = 'About alpha', image = 'https://img.example/a.png',"
      + " comments = 'internal note', proxy = true, do_index = true, track_conversion = true, public_stats = true,"
      + " expired_url = 'https://example.com/expired', geo = '{\"US\": \"https://us.example.com\", \"DE\":"
      + " \"https://de.example.com\"}', password = 'alpha-Secret-42' WHERE id = ?", l1);
    // conversions: alpha has two leads, one converted by two sales; beta one sale without a lead
    long converted = db.lead(l1, "cus_1");
    db.lead(l1, "cus_2");
    db.sale(l1, converted, 1_000);
    db.sale(l1, converted, 500);
    db.sale(l2, null, 9_900);
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
      List<String> dub = List.of("id", "domain", "key", "url", "trackConversion", "externalId", "tenantId",
        "programId", "partnerId", "archived", "expiresAt", "expiredUrl", "disabledAt", "password", "proxy", "title",
        "description", "image", "video", "rewrite", "doIndex", "ios", "android", "geo", "publicStats", "tags", "folderId",
        "webhookIds", "comments", "shortLink", "qrCode", "utm_source", "utm_medium", "utm_campaign", "utm_term",
        "utm_content", "testVariants", "testStartedAt", "testCompletedAt", "userId", "workspaceId", "clicks", "leads",
        "conversions", "sales", "saleAmount", "lastClicked", "createdAt", "updatedAt", "tagId", "projectId");
      List<String> own = List.of("name", "type", "newInstalls", "returningUsers", "attributedClicks", "topDevice",
        "topOs", "topBrowser", "topCountry");
      assertThat(link.fieldNames()).containsExactlyElementsOf(
        java.util.stream.Stream.concat(dub.stream(), own.stream()).toList());
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
      .contains("export the links").contains("startingAfter");
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

  // ---- dub parity (issue 21) ------------------------------------------------------------------------------------------

  /**
   * The shape of a link in dub.co's documented example response of {@code GET /links}
   * (https://dub.co/docs/api-reference/endpoint/retrieve-a-list-of-links): every field of its LinkSchema, in the
   * example's order, with the JSON types the schema allows ("?" = or null).
   */
  static final Map<String, String> DUB_EXAMPLE = dubExample();

  private static Map<String, String> dubExample() {
    Map<String, String> m = new LinkedHashMap<>();
    String[] pairs = {"id", "string", "domain", "string", "key", "string", "url", "string", "trackConversion",
      "boolean", "externalId", "string?", "tenantId", "string?", "programId", "string?", "partnerId", "string?",
      "archived", "boolean", "expiresAt", "string?", "expiredUrl", "string?", "disabledAt", "string?", "password", "string?", "proxy", "boolean",
      "title", "string?", "description", "string?", "image", "string?", "video", "string?", "rewrite", "boolean",
      "doIndex", "boolean", "ios", "string?", "android", "string?", "geo", "object?", "publicStats", "boolean",
      "tags", "array?", "folderId", "string?", "webhookIds", "array", "comments", "string?", "shortLink", "string",
      "qrCode", "string", "utm_source", "string?", "utm_medium", "string?", "utm_campaign", "string?", "utm_term",
      "string?", "utm_content", "string?", "testVariants", "array?", "testStartedAt", "string?", "testCompletedAt",
      "string?", "userId", "string?", "workspaceId", "string", "clicks", "number", "leads", "number", "conversions",
      "number", "sales", "number", "saleAmount", "number", "lastClicked", "string?", "createdAt", "string",
      "updatedAt", "string", "tagId", "string?", "projectId", "string"};
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static String jsonType(Object v) {
    return v == null ? "null" : v instanceof String ? "string" : v instanceof Boolean ? "boolean"
      : v instanceof Number ? "number" : v instanceof JsonArray ? "array" : v instanceof JsonObject ? "object" : "?";
  }

  /** A link equals dub's example in shape: the same names in the same order, each value of a type dub allows. */
  private static void assertDubShape(JsonObject link) {
    assertThat(link.fieldNames()).containsExactlyElementsOf(DUB_EXAMPLE.keySet());
    DUB_EXAMPLE.forEach((name, type) -> {
      String actual = jsonType(link.getValue(name));
      boolean nullable = type.endsWith("?");
      String base = nullable ? type.substring(0, type.length() - 1) : type;
      assertThat(actual).as("%s of %s", name, link.getString("key")).isIn(nullable ? List.of(base, "null")
        : List.of(base));
    });
    for (Object t : link.getJsonArray("tags")) {
      JsonObject tag = (JsonObject) t;
      assertThat(tag.fieldNames()).containsExactly("id", "name", "color");
      assertThat(tag.getString("color")).isIn("red", "yellow", "green", "blue", "purple", "brown", "pink");
    }
    for (Object id : link.getJsonArray("webhookIds")) {
      assertThat(id).isInstanceOf(String.class);
    }
  }

  private static TestApp.Res dubGet(String path) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(app.url(path))).header("Authorization", "Bearer " + token)
      .header("Accept", "application/vnd.dub+json").build();
    HttpResponse<String> res = app.http().send(req, HttpResponse.BodyHandlers.ofString());
    return new TestApp.Res(res.statusCode(), null, res);
  }

  /**
   * Verifies that every field of dub's link object is in the list response with dub's values: the data stored on the
   * link, the conversion rollups, the derived qrCode and workspaceId, and a marker in place of the password, which
   * never leaves the database.
   */
  @Test
  void linksCarryEveryDubFieldWithItsValue() {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links?search=alpha", token);
    assertThat(res.raw().body()).doesNotContain("alpha-Secret-42");
    JsonObject alpha = res.json().getJsonArray("data").getJsonObject(0);
    assertThat(alpha.getString("title")).isEqualTo("Alpha title");
    assertThat(alpha.getString("description")).isEqualTo("About alpha");
    assertThat(alpha.getString("image")).isEqualTo("https://img.example/a.png");
    assertThat(alpha.getString("comments")).isEqualTo("internal note");
    assertThat(alpha.getBoolean("proxy")).isTrue();
    assertThat(alpha.getBoolean("rewrite")).isFalse();
    assertThat(alpha.getBoolean("doIndex")).isTrue();
    assertThat(alpha.getBoolean("trackConversion")).isTrue();
    assertThat(alpha.getBoolean("publicStats")).isTrue();
    assertThat(alpha.getString("expiredUrl")).isEqualTo("https://example.com/expired");
    assertThat(alpha.getJsonObject("geo")).isEqualTo(new JsonObject().put("US", "https://us.example.com")
      .put("DE", "https://de.example.com"));
    assertThat(alpha.getString("password")).isEqualTo("********");
    assertThat(alpha.getString("qrCode")).isEqualTo("https://api.dub.co/qr?url="
      + enc("https://dub.sh/alpha-" + s));
    assertThat(alpha.getString("workspaceId")).isEqualTo(project.toString());
    assertThat(alpha.getString("projectId")).isEqualTo(project.toString());
    assertThat(alpha.getString("tagId")).isEqualTo(marketing.toString());
    assertThat(alpha.getLong("leads")).isEqualTo(2);
    assertThat(alpha.getLong("conversions")).isEqualTo(1);
    assertThat(alpha.getLong("sales")).isEqualTo(2);
    assertThat(alpha.getLong("saleAmount")).isEqualTo(1_500);
    assertThat(alpha.getJsonArray("webhookIds")).isEmpty();
    for (String none : List.of("programId", "partnerId", "disabledAt", "video", "testVariants", "testStartedAt", "testCompletedAt")) {
      assertThat(alpha.containsKey(none)).as(none).isTrue();
      assertThat(alpha.getValue(none)).as(none).isNull();
    }
    JsonObject delta = app.get("/api/v1/projects/" + project + "/links?search=delta", token).json()
      .getJsonArray("data").getJsonObject(0);
    assertThat(delta.getValue("password")).isNull();
    assertThat(delta.getValue("geo")).isNull();
    assertThat(delta.getBoolean("proxy")).isFalse();
    assertThat(delta.getLong("saleAmount")).isZero();
    assertThat(delta.getValue("tagId")).isNull();
  }

  /**
   * Verifies that Accept: application/vnd.dub+json answers dub's own response, a bare array of links that equals
   * dub's documented example in shape (names, order, types, nulls; tag colours from dub's palette), sent as
   * application/json as dub's SDKs expect, and that the count answers a bare number; the default stays the envelope.
   */
  @Test
  void theDubShapedResponseEqualsDubsDocumentedExampleInShape() throws Exception {
    db.exec("UPDATE tags SET color = 'orange' WHERE id = ?", marketing);
    try {
      TestApp.Res res = dubGet("/api/v1/projects/" + project + "/links?showArchived=true");
      assertThat(res.status()).as(res.raw().body()).isEqualTo(200);
      assertThat(res.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
      assertThat(res.raw().headers().firstValue("Vary")).contains("Accept");
      JsonArray links = new JsonArray(res.raw().body());
      assertThat(links).hasSize(4);
      for (Object link : links) {
        assertDubShape((JsonObject) link);
      }
      JsonObject alpha = links.stream().map(JsonObject.class::cast).filter(l -> l.getString("id").equals(l1.toString()))
        .findFirst().orElseThrow();
      assertThat(alpha.getJsonArray("tags").getJsonObject(0).getString("color")).isEqualTo("blue");
      assertThat(alpha.getLong("saleAmount")).isEqualTo(1_500);
      assertThat(alpha.getString("password")).isEqualTo("********");

      TestApp.Res count = dubGet("/api/v1/projects/" + project + "/links/count?showArchived=true");
      assertThat(count.raw().body()).isEqualTo("4");
      assertThat(app.get("/api/v1/projects/" + project + "/links/count", token).raw().headers().firstValue("Vary"))
        .as("the envelope's count varies by Accept too").contains("Accept");
      TestApp.Res next = dubGet("/api/v1/projects/" + project + "/links?showArchived=true&pageSize=2&startingAfter="
        + links.getJsonObject(1).getString("id"));
      assertThat(new JsonArray(next.raw().body()).stream().map(l -> ((JsonObject) l).getString("id")))
        .containsExactly(links.getJsonObject(2).getString("id"), links.getJsonObject(3).getString("id"));
      TestApp.Res envelope = app.get("/api/v1/projects/" + project + "/links?search=alpha", token);
      assertThat(envelope.json().getBoolean("success")).isTrue();
      assertThat(envelope.json().getJsonArray("data").getJsonObject(0).getJsonArray("tags").getJsonObject(0)
        .getString("color")).isEqualTo("orange");
    } finally {
      db.exec("UPDATE tags SET color = NULL WHERE id = ?", marketing);
    }
  }

  @Test
  void sortsBySaleAmountBothWays() {
    assertThat(names("?sortBy=saleAmount")).containsExactly("beta", "alpha", "delta");
    assertThat(names("?sortBy=saleAmount&sortOrder=asc")).containsExactly("delta", "alpha", "beta");
  }

  /**
   * Verifies dub's filters: folderId=unsorted keeps links in no folder, withTags=true links with a tag, and a tagIds
   * value that is not an id of this service is a 400 naming tagIds and that value.
   */
  @Test
  void filtersUnsortedFolderWithTagsAndSaysWhichTagIdIsWrong() {
    assertThat(names("?folderId=unsorted")).containsExactly("delta", "beta");
    assertThat(names("?withTags=true")).containsExactly("beta", "alpha");
    assertThat(names("?withTags=false")).containsExactly("delta", "beta", "alpha");
    TestApp.Res bad = app.get("/api/v1/projects/" + project + "/links?tagIds=" + marketing + ",tag_clux0rgak00011", token);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getJsonObject("error").getString("field")).isEqualTo("tagIds");
    assertThat(bad.json().getJsonObject("error").getString("message")).contains("'tag_clux0rgak00011'");
    TestApp.Res folder = app.get("/api/v1/projects/" + project + "/links?folderId=nowhere", token);
    assertThat(folder.json().getJsonObject("error").getString("field")).isEqualTo("folderId");
    assertThat(folder.json().getJsonObject("error").getString("message")).contains("unsorted");
  }

  private static JsonObject page(String query) {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links" + query, token);
    assertThat(res.status()).as(query + ": " + res.raw().body()).isEqualTo(200);
    return res.json();
  }

  private static List<String> ids(JsonObject page) {
    return page.getJsonArray("data").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  /**
   * Verifies that cursor pages walk every sort in both directions, forward by nextCursor and backward by prevCursor,
   * one link per page, through ties and nulls (lastClicked and name have both), seeing exactly the order of the
   * offset listing; the cursors are null at the ends.
   */
  @Test
  void cursorPagesWalkEverySortBothWaysInTheListsExactOrder() {
    for (String sort : List.of("createdAt", "clicks", "lastClicked", "name", "installs", "saleAmount")) {
      for (String order : List.of("desc", "asc")) {
        String q = "?showArchived=true&sortBy=" + sort + "&sortOrder=" + order;
        List<String> expected = ids(page(q));
        assertThat(expected).hasSize(4);
        List<String> forward = new ArrayList<>();
        JsonObject p = page(q + "&pageSize=1");
        assertThat(p.getJsonObject("meta").getValue("prevCursor")).isNull();
        while (true) {
          forward.addAll(ids(p));
          String next = p.getJsonObject("meta").getString("nextCursor");
          assertThat(p.getJsonObject("meta").getBoolean("hasMore")).isEqualTo(next != null);
          if (next == null) {
            break;
          }
          p = page(q + "&pageSize=1&startingAfter=" + next);
          assertThat(p.getJsonObject("meta").getValue("page")).isNull();
        }
        assertThat(forward).as(q).isEqualTo(expected);
        List<String> backward = new ArrayList<>(ids(p));
        String prev = p.getJsonObject("meta").getString("prevCursor");
        while (prev != null) {
          p = page(q + "&pageSize=1&endingBefore=" + prev);
          backward.addAll(0, ids(p));
          prev = p.getJsonObject("meta").getString("prevCursor");
        }
        assertThat(backward).as(q + " backwards").isEqualTo(expected);
        JsonObject rest = page(q + "&pageSize=2&startingAfter=" + expected.get(0));
        assertThat(ids(rest)).isEqualTo(expected.subList(1, 3));
        assertThat(rest.getJsonObject("meta").getString("nextCursor")).isEqualTo(expected.get(2));
        assertThat(rest.getJsonObject("meta").getString("prevCursor")).isEqualTo(expected.get(1));
        JsonObject before = page(q + "&pageSize=2&endingBefore=" + expected.get(3));
        assertThat(ids(before)).isEqualTo(expected.subList(1, 3));
        assertThat(before.getJsonObject("meta").getString("prevCursor")).isEqualTo(expected.get(1));
        assertThat(before.getJsonObject("meta").getString("nextCursor")).isEqualTo(expected.get(2));
      }
    }
  }

  /**
   * Verifies that a bad cursor is a 400 naming it: a malformed id, a link of another project, a link the filters
   * leave out, a link that does not exist; both cursors at once, or a cursor with page, are a 400 too.
   */
  @Test
  void badCursorsAre400NamingTheParameter() {
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("?startingAfter=not-a-link", "startingAfter");
    cases.put("?startingAfter=" + otherLink, "startingAfter");
    cases.put("?startingAfter=" + l3, "startingAfter"); // archived: the filters leave it out
    cases.put("?endingBefore=" + UUID.randomUUID(), "endingBefore");
    cases.put("?endingBefore=" + l2 + "&search=alpha", "endingBefore");
    cases.put("?startingAfter=" + l1 + "&endingBefore=" + l2, "endingBefore");
    cases.put("?startingAfter=" + l1 + "&page=1", "page");
    cases.put("?endingBefore=" + l1 + "&page=2", "page");
    cases.forEach((q, field) -> {
      TestApp.Res res = app.get("/api/v1/projects/" + project + "/links" + q, token);
      assertThat(res.status()).as(q + ": " + res.raw().body()).isEqualTo(400);
      assertThat(res.json().getJsonObject("error").getString("field")).as(q).isEqualTo(field);
    });
    assertThat(ids(page("?startingAfter=" + l3 + "&showArchived=true"))).containsExactly(l2.toString(),
      l1.toString());
  }
}
