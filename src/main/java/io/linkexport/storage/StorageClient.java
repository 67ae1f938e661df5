package io.linkexport.storage;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed client of the storage-signing verticle ({@link Addresses#STORAGE_SIGN}, {@link Addresses#STORAGE_PRESIGN}),
 * the only holder of S3 credentials. Local only: signing never leaves the node.
 */
public final class StorageClient {

  /** Download links live as long as SigV4 allows. */
  public static final Duration DOWNLOAD_TTL = Duration.ofSeconds(S3Signer.MAX_PRESIGN_SECONDS);

  /** A presigned download URL and the instant it stops working. */
  public record Presigned(String url, Instant expiresAt) {
  }

  private final BusClient bus;

  public StorageClient(BusClient bus) {
    this.bus = bus;
  }

  /** Signs one request over a body whose SHA-256 is {@code payloadSha256}; send exactly the answer. */
  public Future<S3Signer.Signed> sign(String method, String key, Map<String, String> query,
                                      Map<String, String> headers, String payloadSha256) {
    JsonObject request = new JsonObject().put(Fields.METHOD, method).put(Fields.KEY, key)
      .put(Fields.QUERY, new JsonObject(new LinkedHashMap<>(query)))
      .put(Fields.HEADERS, new JsonObject(new LinkedHashMap<>(headers)))
      .put(Fields.PAYLOAD_SHA256, payloadSha256);
    return bus.<JsonObject>request(Addresses.STORAGE_SIGN, request).map(signed -> {
      Map<String, String> out = new LinkedHashMap<>();
      signed.getJsonObject(Fields.HEADERS).forEach(h -> out.put(h.getKey(), String.valueOf(h.getValue())));
      return new S3Signer.Signed(signed.getString(Fields.URL), out);
    });
  }

  /**
   * How long a download link minted {@code now} may live: {@link #DOWNLOAD_TTL}, or less when the file is deleted at
   * {@code availableUntil} (zero or negative once it is gone).
   */
  public static Duration downloadTtl(Instant availableUntil, Instant now) {
    Duration left = Duration.between(now, availableUntil);
    return left.compareTo(DOWNLOAD_TTL) < 0 ? left : DOWNLOAD_TTL;
  }

  /** A GET of {@code key} that downloads as a CSV named {@code filename}, valid for {@code expiry} (at most 7 days). */
  public Future<Presigned> presign(String key, String filename, Duration expiry) {
    return presign(key, filename, S3Signer.DEFAULT_CONTENT_TYPE, expiry);
  }

  /** A GET of {@code key} that downloads as {@code filename} of {@code contentType}, valid for {@code expiry}. */
  public Future<Presigned> presign(String key, String filename, String contentType, Duration expiry) {
    JsonObject request = new JsonObject().put(Fields.KEY, key).put(Fields.FILENAME, filename)
      .put(Fields.CONTENT_TYPE, contentType).put(Fields.EXPIRES_SECONDS, expiry.getSeconds());
    return bus.<JsonObject>request(Addresses.STORAGE_PRESIGN, request)
      .map(reply -> new Presigned(reply.getString(Fields.URL), Instant.parse(reply.getString(Fields.EXPIRES_AT))));
  }
}
