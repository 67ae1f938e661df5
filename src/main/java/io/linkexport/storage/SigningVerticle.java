package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The only holder of S3 credentials. Serves {@link Addresses#STORAGE_SIGN} and {@link Addresses#STORAGE_PRESIGN};
 * the contracts (JSON in and out) are documented there. Bad requests fail with 400 and a message naming the field;
 * anything else with 500. Signing is a few HMACs, cheap enough for the event loop.
 *
 * <p>Never logs secrets, signatures or presigned URLs: at most the key and the expiry.
 */
public final class SigningVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SigningVerticle.class);

  private S3Signer signer;

  @Override
  public Future<?> start() {
    try {
      signer = new S3Signer(AppConfig.from(config()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalStateException("storage signing cannot start: " + e.getMessage()));
    }
    MessageConsumer<JsonObject> sign = vertx.eventBus().localConsumer(Addresses.STORAGE_SIGN, this::sign);
    MessageConsumer<JsonObject> presign = vertx.eventBus().localConsumer(Addresses.STORAGE_PRESIGN, this::presign);
    return Future.all(sign.completion(), presign.completion());
  }

  private void sign(Message<JsonObject> msg) {
    JsonObject in = msg.body();
    if (in == null) {
      msg.fail(400, "request body is required");
      return;
    }
    try {
      S3Signer.Signed signed = signer.sign(in.getString("method"), in.getString("key"),
        strings(in, "query"), strings(in, "headers"), in.getString("payloadSha256"));
      msg.reply(new JsonObject().put("url", signed.url())
        .put("headers", new JsonObject(new LinkedHashMap<>(signed.headers()))));
    } catch (IllegalArgumentException | ClassCastException e) {
      msg.fail(400, "bad sign request: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("signing {} {} failed", in.getValue("method"), in.getValue("key"), e);
      msg.fail(500, "signing failed");
    }
  }

  private void presign(Message<JsonObject> msg) {
    JsonObject in = msg.body();
    if (in == null) {
      msg.fail(400, "request body is required");
      return;
    }
    try {
      String key = in.getString("key");
      Long seconds = in.getLong("expiresSeconds");
      if (key == null || key.isEmpty() || seconds == null) {
        msg.fail(400, "key and expiresSeconds are required");
        return;
      }
      Duration expiry = Duration.ofSeconds(seconds);
      Instant now = Instant.now();
      String url = signer.presignGet(key, in.getString("filename", "export.csv"), expiry);
      LOG.info("presigned GET key={} expiresIn={}s", key, seconds);
      msg.reply(new JsonObject().put("url", url).put("expiresAt", now.plus(expiry).toString()));
    } catch (IllegalArgumentException | ClassCastException e) {
      msg.fail(400, "bad presign request: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("presigning key={} failed", in.getValue("key"), e);
      msg.fail(500, "presigning failed");
    }
  }

  /** A JSON object of string values as a map; absent means empty. Non-string values are a 400. */
  private static Map<String, String> strings(JsonObject in, String field) {
    JsonObject obj = in.getJsonObject(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (obj != null) {
      obj.forEach(e -> {
        if (!(e.getValue() instanceof String s)) {
          throw new IllegalArgumentException(field + "." + e.getKey() + " must be a string");
        }
        out.put(e.getKey(), s);
      });
    }
    return out;
  }
}
