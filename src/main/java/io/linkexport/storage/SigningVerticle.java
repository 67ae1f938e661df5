package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusServer;
import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

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
    MessageConsumer<JsonObject> sign = vertx.eventBus().localConsumer(Addresses.STORAGE_SIGN,
      m -> BusServer.serve(m, body -> checked("sign", body, this::sign)));
    MessageConsumer<JsonObject> presign = vertx.eventBus().localConsumer(Addresses.STORAGE_PRESIGN,
      m -> BusServer.serve(m, body -> checked("presign", body, this::presign)));
    return Future.all(sign.completion(), presign.completion());
  }

  /** A malformed request (what the signer refuses) is a 400 saying what; anything else a 500, logged. */
  private static Future<JsonObject> checked(String what, JsonObject in, Function<JsonObject, JsonObject> op) {
    if (in == null) {
      return Future.failedFuture(ServiceException.badRequest("body", "request body is required"));
    }
    try {
      return Future.succeededFuture(op.apply(in));
    } catch (IllegalArgumentException | ClassCastException e) {
      return Future.failedFuture(ServiceException.badRequest(null, "bad " + what + " request: " + e.getMessage()));
    } catch (RuntimeException e) {
      LOG.error("{} of key={} failed", what, in.getValue(Fields.KEY), e);
      return Future.failedFuture(new ServiceException(io.linkexport.bus.ErrorCode.INTERNAL, what + " failed"));
    }
  }

  private JsonObject sign(JsonObject in) {
    S3Signer.Signed signed = signer.sign(in.getString(Fields.METHOD), in.getString(Fields.KEY),
      strings(in, Fields.QUERY), strings(in, Fields.HEADERS), in.getString(Fields.PAYLOAD_SHA256));
    return new JsonObject().put(Fields.URL, signed.url())
      .put(Fields.HEADERS, new JsonObject(new LinkedHashMap<>(signed.headers())));
  }

  private JsonObject presign(JsonObject in) {
    String key = in.getString(Fields.KEY);
    Long seconds = in.getLong(Fields.EXPIRES_SECONDS);
    if (key == null || key.isEmpty() || seconds == null) {
      throw new IllegalArgumentException("key and expiresSeconds are required");
    }
    Duration expiry = Duration.ofSeconds(seconds);
    Instant now = Instant.now();
    String url = signer.presignGet(key, in.getString(Fields.FILENAME, "export.csv"),
      in.getString(Fields.CONTENT_TYPE, S3Signer.DEFAULT_CONTENT_TYPE), expiry);
    LOG.info("presigned GET key={} expiresIn={}s", key, seconds);
    return new JsonObject().put(Fields.URL, url).put(Fields.EXPIRES_AT, now.plus(expiry).toString());
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
