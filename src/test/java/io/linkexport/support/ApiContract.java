package io.linkexport.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Validates HTTP responses against the service's OpenAPI document with vertx-openapi: the status must be documented
 * for the operation, the declared headers present and valid (every response carries {@code X-Request-Id}), and the
 * body must match the schema (the schemas forbid undocumented fields, so a field added without the document fails
 * the test that receives it). The document is the one the service serves ({@code GET /openapi.json}). Responses of
 * paths the document does not describe (the dashboard's files) are not checked.
 */
public final class ApiContract {

  private static final Map<String, ApiContract> SERVED = new ConcurrentHashMap<>();
  private static Vertx vertx;

  private final ResponseValidator validator;
  private final List<Route> routes;

  private record Route(String method, Pattern path, String operationId) {
  }

  private ApiContract(OpenAPIContract contract) {
    this.validator = ResponseValidator.create(vertx(), contract);
    this.routes = contract.getPaths().stream().flatMap((Path p) -> p.getOperations().stream()
      .map((Operation op) -> new Route(op.getHttpMethod().name(), template(p.getName()), op.getOperationId())))
      .toList();
  }

  private static synchronized Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx();
    }
    return vertx;
  }

  /** The contract a running service serves at {@code baseUrl + "/openapi.json"} (fetched once per base URL). */
  public static ApiContract served(String baseUrl) {
    return SERVED.computeIfAbsent(baseUrl, url -> {
      try {
        HttpResponse<String> res = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(url
          + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
          throw new IllegalStateException("GET /openapi.json answered " + res.statusCode());
        }
        return of(new JsonObject(res.body()));
      } catch (Exception e) {
        throw new IllegalStateException("cannot load the served OpenAPI document of " + url, e);
      }
    });
  }

  /** A contract from a document (tests that change it on purpose); the document is left as it is. */
  public static ApiContract of(JsonObject document) {
    try {
      return new ApiContract(OpenAPIContract.from(vertx(), document.copy()).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS));
    } catch (Exception e) {
      throw new IllegalStateException("not a valid OpenAPI document", e);
    }
  }

  /**
   * Throws an {@link AssertionError} naming the drift when the response to {@code method path} (query ignored) does
   * not match the document. Undocumented paths are not checked; {@link #operation} says which are.
   */
  public void check(String method, String rawPath, int status, Map<String, List<String>> headers, byte[] body) {
    String path = routedPath(rawPath);
    String op = operation(method, path);
    if (op == null) {
      return;
    }
    Map<String, String> first = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> {
      if (!v.isEmpty()) {
        first.put(k, v.get(0));
      }
    });
    String type = first.getOrDefault("Content-Type", "");
    String media = type.contains(";") ? type.substring(0, type.indexOf(';')).trim() : type.trim();
    ValidatableResponse res = body == null || body.length == 0
      ? ValidatableResponse.create(status, first)
      : ValidatableResponse.create(status, first, Buffer.buffer(body), media.toLowerCase(Locale.ROOT));
    try {
      validator.validate(res, op).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("the response to " + method + " " + path + " (" + op + ", " + status
        + ") does not match the OpenAPI document: " + e.getCause().getMessage() + "; body: "
        + (body == null ? "" : new String(body, StandardCharsets.UTF_8)), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks a response of {@code java.net.http} (String or byte[] bodies). */
  public void check(HttpResponse<?> res) {
    Object b = res.body();
    byte[] body = b instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : b instanceof byte[] a ? a : null;
    if (b != null && body == null) {
      return; // a streamed or discarded body cannot be checked
    }
    check(res.request().method(), res.request().uri().getRawPath(), res.statusCode(), res.headers().map(), body);
  }

  /** The operation id of {@code method path}, or null when the document does not describe it. */
  public String operation(String method, String path) {
    for (Route r : routes) {
      if (r.method().equalsIgnoreCase(method) && r.path().matcher(path).matches()) {
        return r.operationId();
      }
    }
    return null;
  }

  /**
   * The path the server routes: dot segments resolved (also percent-encoded ones), as Vert.x does ({@code .../export/..} is the links list), and
   * a trailing slash dropped, as the router matches it.
   */
  static String routedPath(String rawPath) {
    String p;
    try {
      // Vert.x decodes percent-encoded unreserved characters (%2e is a dot) before it resolves dot segments
      p = URI.create(rawPath.replaceAll("%2[eE]", ".")).normalize().getRawPath();
    } catch (IllegalArgumentException e) {
      return rawPath;
    }
    if (p == null || p.isEmpty()) {
      return rawPath;
    }
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  /** {@code /a/{b}/c} matches {@code /a/<one segment>/c}. */
  private static Pattern template(String path) {
    return Pattern.compile(Pattern.quote(path).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q"));
  }
}
