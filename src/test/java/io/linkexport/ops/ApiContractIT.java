package io.linkexport.ops;

import io.linkexport.support.ApiContract;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract the integration tests hold the service to ({@link ApiContract}, applied to every response they receive
 * through {@link TestApp}) catches drift: real responses checked against deliberately wrong copies of the document
 * fail, naming what differs.
 */
class ApiContractIT {

  /** Verifies that a field the service sends but the document lacks, a wrong type and an undocumented status fail. */
  @Test
  void aDeliberateDriftBetweenTheServiceAndTheDocumentFailsTheCheck() throws Exception {
    TestApp app = TestApp.get();
    JsonObject doc = new JsonObject(Files.readString(Path.of("docs/openapi.json")));
    try (Fixtures db = new Fixtures()) {
      Fixtures.Tenant t = db.tenant("Contract " + UUID.randomUUID(), "pro", "contract@example.com");
      String jobId = Exports.start(app, t.project(), t.token(), new JsonObject());
      HttpResponse<String> job = raw(app, Exports.base(t.project()) + "/" + jobId, t.token());
      HttpResponse<String> unknown = raw(app, Exports.base(t.project()) + "/" + UUID.randomUUID(), t.token());

      ApiContract.of(doc).check(job); // the document as it is: no drift
      ApiContract.of(doc).check(unknown);

      JsonObject noExpired = doc.copy();
      schema(noExpired, "Job").getJsonObject("properties").remove("expired");
      schema(noExpired, "Job").getJsonArray("required").remove("expired");
      assertThatThrownBy(() -> ApiContract.of(noExpired).check(job)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("expired");

      JsonObject wrongType = doc.copy();
      schema(wrongType, "Job").getJsonObject("properties").getJsonObject("attempt").put("type", "string");
      assertThatThrownBy(() -> ApiContract.of(wrongType).check(job)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("attempt");

      JsonObject no404 = doc.copy();
      no404.getJsonObject("paths").getJsonObject("/api/v1/projects/{projectId}/links/export/{jobId}")
        .getJsonObject("get").getJsonObject("responses").remove("404");
      assertThatThrownBy(() -> ApiContract.of(no404).check(unknown)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("404");
    }
  }

  private static JsonObject schema(JsonObject doc, String name) {
    return doc.getJsonObject("components").getJsonObject("schemas").getJsonObject(name);
  }

  /** A response fetched without the validating client. */
  private static HttpResponse<String> raw(TestApp app, String path, String token) throws Exception {
    return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(app.url(path)))
      .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
  }
}
