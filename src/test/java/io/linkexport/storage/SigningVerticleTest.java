package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bus contract of the signing verticle; in-process event bus only, no network. */
@ExtendWith(VertxExtension.class)
class SigningVerticleTest {

  private static final JsonObject CONFIG = new JsonObject()
    .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:9000").put(AppConfig.S3_BUCKET, "b")
    .put(AppConfig.S3_ACCESS_KEY_ID, "AKID").put(AppConfig.S3_SECRET_ACCESS_KEY, "not-logged-secret");

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void refusesToStartWithoutCredentials(Vertx vertx) {
    JsonObject noKeys = CONFIG.copy().put(AppConfig.S3_SECRET_ACCESS_KEY, "");
    assertThatThrownBy(() -> await(vertx.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(noKeys))))
      .isInstanceOf(ExecutionException.class).hasMessageContaining("S3 credentials missing");
  }

  @Test
  void signsARequestAsDocumented(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(CONFIG)));
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(Addresses.STORAGE_SIGN, new JsonObject()
      .put("method", "PUT").put("key", "a/b.csv").put("query", new JsonObject().put("uploadId", "u").put("partNumber", "1"))
      .put("headers", new JsonObject().put("Content-MD5", "bWQ1")).put("payloadSha256", S3Signer.EMPTY_SHA256))).body();
    assertThat(reply.getString("url")).startsWith("http://127.0.0.1:9000/b/a/b.csv?");
    assertThat(reply.getJsonObject("headers").fieldNames())
      .contains("Authorization", "X-Amz-Date", "x-amz-content-sha256", "Content-MD5").doesNotContain("Host");
  }

  @Test
  void badRequestsFailWith400(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(CONFIG)));
    JsonObject noHash = new JsonObject().put("method", "GET").put("key", "k");
    JsonObject tooLong = new JsonObject().put("key", "k").put("filename", "f.csv").put("expiresSeconds", 604_801);
    for (var attempt : new Object[][] {{Addresses.STORAGE_SIGN, noHash}, {Addresses.STORAGE_PRESIGN, tooLong},
      {Addresses.STORAGE_PRESIGN, new JsonObject().put("key", "k")}}) {
      assertThatThrownBy(() -> await(vertx.eventBus().request((String) attempt[0], attempt[1])))
        .cause().isInstanceOfSatisfying(ReplyException.class, e -> assertThat(e.failureCode()).isEqualTo(400));
    }
  }

  @Test
  void presignRepliesUrlAndExpiry(Vertx vertx) throws Exception {
    await(vertx.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(CONFIG)));
    JsonObject reply = await(vertx.eventBus().<JsonObject>request(Addresses.STORAGE_PRESIGN,
      new JsonObject().put("key", "a/b.csv").put("filename", "b.csv").put("expiresSeconds", 60))).body();
    assertThat(reply.getString("url")).contains("X-Amz-Expires=60").contains("response-content-disposition=");
    assertThat(java.time.Instant.parse(reply.getString("expiresAt"))).isAfter(java.time.Instant.now());
  }
}
