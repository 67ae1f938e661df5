package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.linkexport.bus.BusClient;
import io.linkexport.retry.Backoff;
import io.linkexport.retry.Retrier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The S3 client the export workers use. It holds no credentials: every request is signed by the signing verticle
 * ({@link StorageClient#sign}) and then sent from here with the worker's own {@link WebClient}, so the secret
 * never leaves one verticle and large bodies never cross the event bus (only their SHA-256 does).
 *
 * <p>All failures are {@link StorageException}s. Idempotent operations (part upload, abort, delete, list) retry
 * transient failures with exponential backoff and full jitter, re-signing each attempt (a signature is tied to its
 * timestamp). Create and Complete are not retried here: repeating them is not harmless (an orphan upload; a
 * NoSuchUpload after a Complete that did succeed), so the export job decides.
 */
public final class S3Storage {

  /** The most keys or uploads S3 lists in one reply. */
  private static final int MAX_PER_REQUEST = 1_000;

  private final Vertx vertx;
  private final WebClient client;
  private final StorageClient signing;
  private final Retrier retrier;
  private final int connectTimeoutMs;
  private final int idleTimeoutMs;
  /** The bucket's name, for the copy source of {@link #replaceMetadata} (not a secret). */
  private final String bucket;

  public S3Storage(Vertx vertx, WebClient client, StorageClient signing, Retrier retrier, int connectTimeoutMs,
                   int idleTimeoutMs, String bucket) {
    this.vertx = vertx;
    this.bucket = bucket;
    this.client = client;
    this.signing = signing;
    this.retrier = retrier;
    this.connectTimeoutMs = connectTimeoutMs;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  /** The client of a node: signing through this node's signing verticle, retries and timeouts from the config. */
  public static S3Storage create(Vertx vertx, WebClient client, AppConfig config) {
    Backoff backoff = Backoff.of(Duration.ofMillis(config.s3RetryBaseMillis()), Duration.ofMillis(
      config.s3RetryMaxMillis()), 1.0);
    Retrier retrier = new Retrier(config.s3MaxAttempts(), backoff,
      d -> vertx.timer(d.toMillis(), TimeUnit.MILLISECONDS));
    StorageClient signing = new StorageClient(BusClient.local(vertx.eventBus(), config.busSendTimeoutMillis()));
    return new S3Storage(vertx, client, signing, retrier, config.s3ConnectTimeoutMillis(),
      config.s3IdleTimeoutMillis(), config.s3Bucket());
  }

  /** Starts a multipart upload; {@code contentDisposition} may be null. Replies the upload id. */
  public Future<String> createMultipartUpload(String key, String contentType, String contentDisposition) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    if (contentDisposition != null) {
      headers.put("Content-Disposition", contentDisposition);
    }
    return send("POST", key, Map.of("uploads", ""), headers, Buffer.buffer())
      .compose(this::expectSuccess)
      .compose(resp -> read(resp, S3Xml::uploadId));
  }

  /**
   * Uploads one part (all but the last must be at least 5 MiB) with an explicit Content-Length (never chunked: S3
   * rejects that), its Content-MD5 and its SHA-256 as the signed {@code x-amz-content-sha256}. Replies the ETag.
   */
  public Future<String> uploadPart(String key, String uploadId, int partNumber, Buffer body) {
    Map<String, String> query = Map.of("partNumber", Integer.toString(partNumber), "uploadId", uploadId);
    // Digesting 8-16 MiB takes tens of ms: keep it off the event loop, and do it once for all attempts.
    return vertx.executeBlocking(() -> PayloadDigests.of(body), false)
      .compose(d -> retrying("upload part " + partNumber + " of " + key, () ->
        send("PUT", key, query, Map.of("Content-MD5", d[0]), d[1], body).compose(this::expectSuccess)))
      .compose(resp -> {
        String etag = resp.getHeader("ETag");
        return etag == null
          ? Future.failedFuture(new StorageException(resp.statusCode(), "NO_ETAG", "UploadPart reply without ETag",
          false, null))
          : Future.succeededFuture(etag);
      });
  }

  /** Completes an upload. A 200 whose body is an {@code <Error>} (S3 does that on Complete) is a failure. */
  public Future<Void> completeMultipartUpload(String key, String uploadId, List<PartEtag> parts) {
    Buffer body = Buffer.buffer(S3Xml.completeBody(parts), StandardCharsets.UTF_8.name());
    return send("POST", key, Map.of("uploadId", uploadId), Map.of("Content-Type", "application/xml"), body)
      .compose(this::expectSuccess)
      .compose(resp -> S3Xml.error(bytes(resp))
        .<Future<Void>>map(e -> Future.failedFuture(StorageException.fromS3(resp.statusCode(), e.code(), e.message())))
        .orElse(Future.succeededFuture()));
  }

  /**
   * Stores a small object in one PUT (retried: a PUT of the same bytes is idempotent), with its Content-MD5, the
   * given Content-Type and Content-Disposition, and {@code metadata} as {@code x-amz-meta-*} headers.
   */
  public Future<Void> putObject(String key, String contentType, String contentDisposition,
                                Map<String, String> metadata, Buffer body) {
    Map<String, String> headers = objectHeaders(contentType, contentDisposition, metadata);
    return vertx.executeBlocking(() -> PayloadDigests.of(body), false)
      .compose(d -> retrying("put " + key, () -> {
        Map<String, String> withMd5 = new LinkedHashMap<>(headers);
        withMd5.put("Content-MD5", d[0]);
        return send("PUT", key, Map.of(), withMd5, d[1], body).compose(this::expectSuccess);
      }))
      .mapEmpty();
  }

  /**
   * Replaces an object's metadata with {@code metadata} ({@code x-amz-meta-*}), keeping its bytes: a copy of the object
   * onto itself with the REPLACE directive (S3 has no other way to change the metadata of a stored object; the copy
   * is done by S3, up to 5 GiB). Content-Type and Content-Disposition are replaced too, so they are sent again.
   * Retried: copying the same object onto itself again changes nothing more.
   */
  public Future<Void> replaceMetadata(String key, String contentType, String contentDisposition,
                                      Map<String, String> metadata) {
    Map<String, String> headers = objectHeaders(contentType, contentDisposition, metadata);
    headers.put("x-amz-copy-source", "/" + bucket + "/" + S3Signer.encodeKey(key));
    headers.put("x-amz-metadata-directive", "REPLACE");
    return retrying("replace metadata of " + key, () -> send("PUT", key, Map.of(), headers, Buffer.buffer())
      .compose(this::expectSuccess)
      .compose(resp -> S3Xml.error(bytes(resp))
        .<Future<HttpResponse<Buffer>>>map(e -> Future.failedFuture(StorageException.fromS3(resp.statusCode(),
          e.code(), e.message())))
        .orElse(Future.succeededFuture(resp))))
      .mapEmpty();
  }

  private static Map<String, String> objectHeaders(String contentType, String contentDisposition,
                                                   Map<String, String> metadata) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    if (contentDisposition != null) {
      headers.put("Content-Disposition", contentDisposition);
    }
    metadata.forEach((name, value) -> headers.put("x-amz-meta-" + name, value));
    return headers;
  }

  /** Aborts an upload, freeing its parts. Idempotent: an upload that no longer exists counts as aborted. */
  public Future<Void> abortMultipartUpload(String key, String uploadId) {
    return retrying("abort upload of " + key, () -> send("DELETE", key, Map.of("uploadId", uploadId), Map.of(), null)
      .compose(resp -> resp.statusCode() == 404 ? Future.succeededFuture(resp) : expectSuccess(resp)))
      .mapEmpty();
  }

  /** Deletes an object (S3 answers 204 whether or not it existed). */
  public Future<Void> deleteObject(String key) {
    return retrying("delete " + key, () -> send("DELETE", key, Map.of(), Map.of(), null)
      .compose(resp -> resp.statusCode() == 404 ? Future.succeededFuture(resp) : expectSuccess(resp)))
      .mapEmpty();
  }

  /** All incomplete multipart uploads whose key starts with {@code prefix}, following S3's pagination. */
  public Future<List<MultipartUpload>> listMultipartUploads(String prefix) {
    return allUploads(prefix, null, null, new ArrayList<>());
  }

  private Future<List<MultipartUpload>> allUploads(String prefix, String keyMarker, String idMarker,
                                                   List<MultipartUpload> acc) {
    return listMultipartUploads(prefix, keyMarker, idMarker, MAX_PER_REQUEST).compose(page -> {
      acc.addAll(page.uploads());
      return page.truncated() && page.nextKeyMarker() != null && !page.nextKeyMarker().isEmpty()
        ? allUploads(prefix, page.nextKeyMarker(), page.nextUploadIdMarker(), acc)
        : Future.succeededFuture(acc);
    });
  }

  /**
   * One page of at most {@code maxUploads} (S3 caps it at 1,000) incomplete multipart uploads under {@code prefix},
   * after {@code keyMarker} / {@code uploadIdMarker} (null: from the first).
   */
  public Future<UploadsPage> listMultipartUploads(String prefix, String keyMarker, String uploadIdMarker,
                                                  int maxUploads) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("uploads", "");
    query.put("prefix", prefix);
    query.put("max-uploads", Integer.toString(maxUploads));
    if (keyMarker != null) {
      query.put("key-marker", keyMarker);
      query.put("upload-id-marker", uploadIdMarker == null ? "" : uploadIdMarker);
    }
    return retrying("list uploads " + prefix, () -> send("GET", "", query, Map.of(), null).compose(this::expectSuccess))
      .compose(resp -> read(resp, S3Xml::uploads));
  }

  /**
   * Up to {@code maxKeys} keys under {@code prefix} that sort after {@code startAfter} (null: from the first), in key
   * order (ListObjectsV2). S3 answers at most 1,000 keys a request: this follows its continuation tokens until it
   * has {@code maxKeys} or the listing ends. The page is truncated when more keys follow its last one.
   */
  public Future<ObjectsPage> listObjects(String prefix, String startAfter, int maxKeys) {
    return objectsPage(prefix, startAfter, null, maxKeys, new ArrayList<>());
  }

  private Future<ObjectsPage> objectsPage(String prefix, String startAfter, String token, int maxKeys,
                                          List<String> acc) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("list-type", "2");
    query.put("prefix", prefix);
    query.put("max-keys", Integer.toString(Math.min(MAX_PER_REQUEST, maxKeys - acc.size())));
    if (token != null) {
      query.put("continuation-token", token);
    } else if (startAfter != null) {
      query.put("start-after", startAfter);
    }
    return retrying("list objects " + prefix, () -> send("GET", "", query, Map.of(), null).compose(this::expectSuccess))
      .compose(resp -> read(resp, S3Xml::objects))
      .compose(reply -> {
        acc.addAll(reply.keys());
        String next = reply.nextContinuationToken();
        boolean more = reply.truncated() && next != null && !next.isEmpty();
        return more && acc.size() < maxKeys ? objectsPage(prefix, startAfter, next, maxKeys, acc)
          : Future.succeededFuture(new ObjectsPage(acc, reply.truncated()));
      });
  }

  private Future<HttpResponse<Buffer>> send(String method, String key, Map<String, String> query,
                                            Map<String, String> headers, Buffer body) {
    return send(method, key, query, headers, PayloadDigests.sha256Hex(body), body);
  }

  /** Asks the signing verticle to sign, then sends exactly the URL and headers it replied. */
  private Future<HttpResponse<Buffer>> send(String method, String key, Map<String, String> query,
                                            Map<String, String> headers, String sha256, Buffer body) {
    return signing.sign(method, key, query, headers, sha256)
      .recover(e -> Future.failedFuture(StorageException.fromBus(e)))
      .compose(signed -> {
        HttpRequest<Buffer> http = client.requestAbs(HttpMethod.valueOf(method), signed.url())
          .connectTimeout(connectTimeoutMs).idleTimeout(idleTimeoutMs);
        signed.headers().forEach(http::putHeader);
        Future<HttpResponse<Buffer>> sent = body == null ? http.send() : http.sendBuffer(body);
        return sent.recover(e -> Future.failedFuture(StorageException.connection(e)));
      });
  }

  private Future<HttpResponse<Buffer>> expectSuccess(HttpResponse<Buffer> resp) {
    if (resp.statusCode() / 100 == 2) {
      return Future.succeededFuture(resp);
    }
    S3Xml.S3Error error = S3Xml.error(bytes(resp)).orElse(new S3Xml.S3Error(null, resp.statusMessage()));
    return Future.failedFuture(StorageException.fromS3(resp.statusCode(), error.code(), error.message()));
  }

  private <T> Future<T> retrying(String what, Supplier<Future<T>> operation) {
    return retrier.run(what, operation, StorageException::isRetryable,
      (err, attempts) -> ((StorageException) err).afterAttempts(attempts));
  }

  /** Parses a reply body; a body we cannot read is a non-retryable failure, not a stray IllegalArgumentException. */
  private static <T> Future<T> read(HttpResponse<Buffer> resp, Function<byte[], T> parser) {
    try {
      return Future.succeededFuture(parser.apply(bytes(resp)));
    } catch (RuntimeException e) {
      return Future.failedFuture(new StorageException(resp.statusCode(), "MALFORMED_REPLY",
        "unreadable S3 reply: " + e.getMessage(), false, e));
    }
  }

  private static byte[] bytes(HttpResponse<Buffer> resp) {
    return resp.body() == null ? new byte[0] : resp.body().getBytes();
  }
}
