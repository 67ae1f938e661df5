package io.linkexport.http;

import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes every endpoint with hostile input, driven by the OpenAPI document kept in {@code docs/openapi.json}: the
 * parameters and statuses come from it. For every request: no 5xx, a JSON body in the envelope ({@code success} true
 * with {@code data}, or false with {@code error.code} and {@code message}), and a status the document lists for that
 * operation (so the document cannot drift from the service); every response also goes through {@code TestApp}'s
 * validating client, which checks its headers and body against the operation's schema (ApiContract). A refused
 * export start changes nothing: the project's
 * job count stays the same. Malformed HTTP that a well-behaved client cannot even send goes over a raw socket.
 */
class ApiFuzzIT {

  static TestApp app;
  static Fixtures db;
  static JsonObject openapi;
  static UUID pro;
  static UUID free;
  static UUID foreign;
  static String token;
  static String foreignJob;

  @BeforeContainer
  static void setUp() throws Exception {
    app = TestApp.get();
    db = new Fixtures();
    openapi = new JsonObject(Files.readString(Path.of("docs/openapi.json")));
    String s = UUID.randomUUID().toString().substring(0, 8);
    pro = db.project("Fuzz " + s, "pro");
    UUID user = db.member(pro);
    free = db.project("Fuzz free " + s, "free");
    db.exec("INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, 'owner')", free, user);
    foreign = db.project("Fuzz foreign " + s, "pro");
    db.bulkLinks(pro, 30, "fuzz-" + s);
    token = TestTokens.session(user, "fuzz@example.com");
    UUID other = db.member(foreign);
    TestApp.Res started = app.post("/api/v1/projects/" + foreign + "/links/export",
      TestTokens.session(other, "other@example.com"), "{}");
    assertThat(started.status()).isEqualTo(202);
    foreignJob = started.data().getString("jobId");
  }

  @AfterContainer
  static void tearDown() {
    db.close();
  }

  // ---- the list and count endpoints ----------------------------------------------------------------------------------

  @Property(tries = 250)
  void listAndCountAnswerEveryQueryWithoutServerError(@ForAll("queries") List<Map.Entry<String, String>> query,
                                                       @ForAll boolean count) throws Exception {
    String path = "/api/v1/projects/" + pro + "/links" + (count ? "/count" : "");
    HttpResponse<String> res = send(HttpRequest.newBuilder(uri(path + encode(query))).GET(), token);
    check(count ? "countLinks" : "listLinks", res);
  }

  @Provide
  Arbitrary<List<Map.Entry<String, String>>> queries() {
    Arbitrary<String> names = Arbitraries.oneOf(
      Arbitraries.of(parameterNames("listLinks")),
      Arbitraries.of(parameterNames("listLinks")),
      Arbitraries.strings().ofMinLength(1).ofMaxLength(12));
    Arbitrary<Map.Entry<String, String>> pair = Combinators.combine(names, values()).as(Map::entry);
    return pair.list().ofMaxSize(5);
  }

  /** Valid values of every kind, boundary values and hostile text. */
  static Arbitrary<String> values() {
    return Arbitraries.oneOf(
      Arbitraries.of("", " ", "true", "false", "yes", "0", "1", "-1", "100", "101", "2147483648",
        "99999999999999999999", "1e3", "NaN", "clicks", "createdAt", "lastClicked", "name", "installs", "asc", "desc",
        "dynamic", "unified", "2025-01-01", "2025-02-30", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00+25:00",
        "9999-12-31", "0000-01-01", "[1,2]", "[\"a\"]", "{}", "null", "%", "_", "\\", "'", "\"", "%_\\'\"",
        "' OR 1=1 --", "a,b,,c", UUID.randomUUID().toString(), "not-a-uuid", "00000000-0000-0000-0000-000000000000"),
      Arbitraries.strings().all().ofMaxLength(40),
      Arbitraries.strings().withCharRange('a', 'z').ofMinLength(190).ofMaxLength(260),
      Arbitraries.strings().withChars("\u0000\u0001\n\r\t\u007f\u202e\ud83d\ude00\u00e9").ofMaxLength(8));
  }

  // ---- the export start -----------------------------------------------------------------------------------------------

  @Property(tries = 200)
  void exportStartRefusesBadBodiesAndChangesNothing(@ForAll("bodies") String body, @ForAll("contentTypes") String type,
                                                    @ForAll boolean freeProject) throws Exception {
    UUID project = freeProject ? free : pro;
    long before = jobs(project);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri("/api/v1/projects/" + project + "/links/export"))
      .POST(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    HttpResponse<String> res = send(b, token);
    check("startExport", res);
    if (res.statusCode() >= 400) {
      assertThat(jobs(project)).as("a refused start creates no job: %s", res.body()).isEqualTo(before);
    }
    if (freeProject) {
      assertThat(res.statusCode()).as(res.body()).isIn(400, 402, 413, 415);
    }
  }

  /**
   * Verifies that a form body that Netty's form decoder cannot read (a lone tab, a lone space: the body handler
   * decodes form bodies before any route runs) is a 400 naming the body that creates no job, not a 500 (the property
   * above found it on a fresh clone).
   */
  @Example
  void anUnreadableFormBodyIsA400NamingTheBody() throws Exception {
    long before = jobs(pro);
    for (String body : List.of("\t", " ", "=", "&&")) {
      HttpResponse<String> res = send(HttpRequest.newBuilder(uri("/api/v1/projects/" + pro + "/links/export"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/x-www-form-urlencoded"),
        token);
      check("startExport", res);
      assertThat(res.statusCode()).as("%s: %s", body, res.body()).isIn(400, 402);
      if (res.statusCode() == 400) {
        assertThat(new JsonObject(res.body()).getJsonObject("error").getString("field")).isEqualTo("body");
      }
    }
    assertThat(jobs(pro)).isEqualTo(before);
  }

  @Provide
  Arbitrary<String> bodies() {
    Arbitrary<String> filterObjects = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.of(parameterNames("listLinks")), Arbitraries.strings().ofMaxLength(8)),
        Arbitraries.oneOf(values().map(v -> (Object) v), Arbitraries.integers().map(i -> (Object) i),
          Arbitraries.of(true, false).map(x -> (Object) x), Arbitraries.just(new JsonArray().add(1).add("x")),
          Arbitraries.just(new JsonObject().put("a", 1)), Arbitraries.just((Object) null)))
      .as((k, v) -> new JsonObject().put(k, v).encode());
    return Arbitraries.oneOf(
      filterObjects,
      Arbitraries.of("", "{}", "[]", "null", "1", "\"x\"", "{", "{\"sortBy\":", "{\"a\":1}{", "\u0000",
        "{\"filters\":{}}", "{\"sortBy\":\"clicks\",\"sortBy\":\"name\"}"),
      Arbitraries.strings().all().ofMaxLength(60),
      Arbitraries.strings().withChars('a').ofLength(20_000).map(a -> "{\"search\":\"" + a + "\"}"));
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of("application/json", "application/json; charset=utf-8", "text/plain",
      "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", null);
  }

  // ---- job paths and methods ------------------------------------------------------------------------------------------

  @Property(tries = 150)
  void jobEndpointsAnswerAnyIdWithoutServerError(@ForAll("ids") String projectId, @ForAll("ids") String jobId,
                                                 @ForAll boolean delete) throws Exception {
    String path = "/api/v1/projects/" + projectId + "/links/export/" + jobId;
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
    HttpResponse<String> res = send(delete ? b.DELETE() : b.GET(), token);
    check(delete ? "cancelExport" : "getExport", res);
    if (jobId.equals(foreignJob)) {
      assertThat(res.statusCode()).as("another tenant's job is never visible").isIn(400, 404);
    }
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.oneOf(
      Arbitraries.just(pro.toString()), Arbitraries.just(foreign.toString()), Arbitraries.just(foreignJob),
      Arbitraries.create(() -> UUID.randomUUID().toString()),
      Arbitraries.of("x", "0", "..", "%2e%2e", "00000000-0000-0000-0000-000000000000", "ZZZZZZZZ-0000-4000-8000-0000000000a1",
        "a".repeat(300)));
  }

  // ---- credentials ----------------------------------------------------------------------------------------------------

  @Property(tries = 100)
  void anyAuthorizationHeaderIsAnsweredWithoutServerError(@ForAll("authorizations") String authorization,
                                                          @ForAll("operations") String operation) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(switch (operation) {
      case "listLinks" -> "/api/v1/projects/" + pro + "/links";
      case "listExports", "startExport" -> "/api/v1/projects/" + pro + "/links/export";
      default -> "/api/v1/projects/" + pro + "/links/count";
    }));
    b = operation.equals("startExport") ? b.POST(HttpRequest.BodyPublishers.ofString("{}"))
      .header("Content-Type", "application/json") : b.GET();
    if (!authorization.isEmpty()) {
      b.header("Authorization", authorization);
    }
    HttpResponse<String> res = app.http().send(b.timeout(Duration.ofSeconds(30)).build(),
      HttpResponse.BodyHandlers.ofString());
    check(operation, res);
    assertThat(res.statusCode()).isIn(400, 401, 403, 404);
  }

  @Provide
  Arbitrary<String> authorizations() {
    return Arbitraries.oneOf(
      Arbitraries.of("", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer x.y.z", "Bearer a.b", "Bearer ...",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "Bearer lx_", "Bearer lx_" + "f".repeat(64)),
      Arbitraries.strings().withCharRange('!', '~').ofMaxLength(300).map(s -> "Bearer " + s),
      Arbitraries.strings().all().ofMaxLength(30).filter(s -> s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)));
  }

  @Provide
  Arbitrary<String> operations() {
    return Arbitraries.of("listLinks", "countLinks", "startExport", "listExports");
  }

  // ---- raw HTTP a client library would refuse to send ---------------------------------------------------------------

  @Property(tries = 40)
  void malformedRequestLinesGetA4xx(@ForAll("rawTargets") String target) throws Exception {
    String request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
      + "\r\nConnection: close\r\n\r\n";
    try (Socket socket = new Socket("127.0.0.1", app.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String response = readAll(socket.getInputStream());
      assertThat(response).as(target).startsWith("HTTP/1.1 ");
      int status = Integer.parseInt(response.substring(9, 12));
      assertThat(status).as(target + " -> " + response).isBetween(200, 499);
      assertThat(response.toLowerCase(java.util.Locale.ROOT)).as(target + " -> " + response)
        .contains("content-type: application/json").contains("x-content-type-options: nosniff");
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      assertThat(new JsonObject(body).getBoolean("success")).isEqualTo(status < 400);
    }
  }

  @Provide
  Arbitrary<String> rawTargets() {
    String base = "/api/v1/projects/" + pro + "/links";
    return Arbitraries.of(base + "?search=%zz", base + "?search=%", base + "?search=%ff%fe", base + "?search=%00",
      base + "?%=1", base + "?=&=&", base + "?page=1&page=2", base + "?" + "a=1&".repeat(2_000),
      "/api/v1/projects/%zz/links", "/api/v1/projects/" + pro + "/links/export/%ff", "/api/v1/../../etc/passwd",
      base + "?search=" + "x".repeat(7_000), base + "#frag");
  }

  // ---- helpers -------------------------------------------------------------------------------------------------------

  /** The assertions every response must satisfy, checked against the operation in the OpenAPI document. */
  static void check(String operationId, HttpResponse<String> res) {
    int status = res.statusCode();
    String body = res.body();
    assertThat(status).as("no 5xx for %s: %s", operationId, body).isLessThan(500);
    assertThat(res.headers().firstValue("Content-Type").orElse("")).as(body).startsWith("application/json");
    assertThat(res.headers().firstValue("X-Content-Type-Options")).as(body).contains("nosniff");
    JsonObject json = new JsonObject(body);
    if (status < 400) {
      assertThat(json.getBoolean("success")).isTrue();
      assertThat(json.containsKey("data")).isTrue();
    } else {
      assertThat(json.getBoolean("success")).isFalse();
      assertThat(json.getJsonObject("error").getString("code")).isNotBlank();
      assertThat(json.getJsonObject("error").getString("message")).isNotBlank();
    }
    assertThat(documentedStatuses(operationId)).as("%s answered %d, which docs/openapi.json does not list: %s",
      operationId, status, body).contains(String.valueOf(status));
  }

  static List<String> documentedStatuses(String operationId) {
    JsonObject op = operation(operationId);
    return new ArrayList<>(op.getJsonObject("responses").fieldNames());
  }

  static List<String> parameterNames(String operationId) {
    List<String> names = new ArrayList<>();
    for (Object p : operation(operationId).getJsonArray("parameters")) {
      JsonObject param = (JsonObject) p;
      if ("query".equals(param.getString("in"))) {
        names.add(param.getString("name"));
      }
    }
    return names;
  }

  static JsonObject operation(String operationId) {
    JsonObject paths = openapi.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        JsonObject op = item.getJsonObject(method);
        if (operationId.equals(op.getString("operationId"))) {
          return op;
        }
      }
    }
    throw new IllegalArgumentException("no operation " + operationId + " in docs/openapi.json");
  }

  static String encode(List<Map.Entry<String, String>> query) {
    if (query.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("?");
    for (Map.Entry<String, String> e : query) {
      if (b.length() > 1) {
        b.append('&');
      }
      b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    return b.toString();
  }

  static URI uri(String pathAndQuery) {
    return URI.create(app.url(pathAndQuery));
  }

  static HttpResponse<String> send(HttpRequest.Builder b, String bearer) throws Exception {
    b.header("Authorization", "Bearer " + bearer).timeout(Duration.ofSeconds(30));
    return app.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static long jobs(UUID project) throws Exception {
    try (PreparedStatement ps = db.conn.prepareStatement("SELECT count(*) FROM export_jobs WHERE project_id = ?")) {
      ps.setObject(1, project);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
