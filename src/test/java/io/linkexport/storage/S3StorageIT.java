package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.linkexport.bus.BusClient;
import io.linkexport.support.Await;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real s3proxy (SigV4 enforced, 5 MiB part minimum enforced), through the real signing verticle. */
@ExtendWith(VertxExtension.class)
class S3StorageIT {

  private static final int MIB = 1024 * 1024;
  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "transfer-encoding", "connection");

  @BeforeAll
  static void services() {
    TestServices.get();
  }

  @Test
  void multipartUploadIsDownloadableThroughAPresignedUrlAsACsvAttachment(Vertx vertx) throws Exception {
    S3Storage storage = storage(vertx, TestServices.config());
    String key = prefix() + "links é+1.csv";
    Buffer first = randomBuffer(5 * MIB);
    Buffer last = Buffer.buffer("tail,row\n");

    String uploadId = await(storage.createMultipartUpload(key, "text/csv; charset=utf-8", null));
    String etag1 = await(storage.uploadPart(key, uploadId, 1, first));
    String etag2 = await(storage.uploadPart(key, uploadId, 2, last));
    await(storage.completeMultipartUpload(key, uploadId, List.of(new PartEtag(1, etag1), new PartEtag(2, etag2))));
    StorageClient.Presigned presigned = await(signing(vertx).presign(key, "links-2024.csv", Duration.ofMinutes(10)));

    HttpResponse<Buffer> download = await(WebClient.create(vertx).getAbs(presigned.url()).send());
    assertThat(download.statusCode()).isEqualTo(200);
    assertThat(download.body()).isEqualTo(first.copy().appendBuffer(last));
    assertThat(download.getHeader("Content-Disposition")).isEqualTo("attachment; filename=\"links-2024.csv\"");
    assertThat(download.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(presigned.expiresAt()).isBetween(java.time.Instant.now().plusSeconds(590),
      java.time.Instant.now().plusSeconds(600));

    String tampered = presigned.url().replaceFirst("(X-Amz-Signature=)([0-9a-f])",
      "$1" + (presigned.url().contains("X-Amz-Signature=0") ? "1" : "0"));
    assertThat(tampered).isNotEqualTo(presigned.url());
    assertThat(await(WebClient.create(vertx).getAbs(tampered).send()).statusCode()).isEqualTo(403);
    await(storage.deleteObject(key));
  }

  @Test
  void anExpiredPresignedUrlIsRefused(Vertx vertx) throws Exception {
    S3Storage storage = storage(vertx, TestServices.config());
    String key = prefix() + "small.csv";
    String uploadId = await(storage.createMultipartUpload(key, "text/csv", null));
    String etag = await(storage.uploadPart(key, uploadId, 1, Buffer.buffer("a,b\n")));
    await(storage.completeMultipartUpload(key, uploadId, List.of(new PartEtag(1, etag))));

    String url = await(signing(vertx).presign(key, "x.csv", Duration.ofSeconds(1))).url();
    WebClient web = WebClient.create(vertx);
    assertThat(await(web.getAbs(url).send()).statusCode()).as("valid for a second").isEqualTo(200);
    Await.until("the presigned URL to expire", Duration.ofSeconds(10), () -> {
      try {
        return await(web.getAbs(url).send()).statusCode() == 403;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void abortLeavesNoIncompleteUploadAndIsIdempotent(Vertx vertx) throws Exception {
    S3Storage storage = storage(vertx, TestServices.config());
    String prefix = prefix();
    String key = prefix + "aborted.csv";
    String uploadId = await(storage.createMultipartUpload(key, "text/csv", "attachment; filename=\"a.csv\""));
    await(storage.uploadPart(key, uploadId, 1, Buffer.buffer("x,y\n")));
    assertThat(await(storage.listMultipartUploads(prefix))).extracting(MultipartUpload::uploadId).contains(uploadId);

    await(storage.abortMultipartUpload(key, uploadId));
    await(storage.abortMultipartUpload(key, uploadId));

    assertThat(await(storage.listMultipartUploads(prefix))).isEmpty();
  }

  /**
   * Verifies that ListObjectsV2 lists the keys under a prefix in key order, at most {@code maxKeys} a page, each page
   * continuing after the key it is given (keys with spaces and '+' included), and that a page of multipart uploads
   * is bounded and continued the same way.
   */
  @Test
  void listingsComeInBoundedPagesThatContinueAfterTheLastKey(Vertx vertx) throws Exception {
    S3Storage storage = storage(vertx, TestServices.config());
    String prefix = prefix();
    List<String> keys = List.of(prefix + "a/1.csv", prefix + "a/2.csv", prefix + "b.csv", prefix + "c d+e.csv",
      prefix + "z.csv");
    for (String key : List.of(keys.get(3), keys.get(0), keys.get(4), keys.get(2), keys.get(1))) {
      String uploadId = await(storage.createMultipartUpload(key, "text/csv", null));
      String etag = await(storage.uploadPart(key, uploadId, 1, Buffer.buffer(key)));
      await(storage.completeMultipartUpload(key, uploadId, List.of(new PartEtag(1, etag))));
    }

    ObjectsPage first = await(storage.listObjects(prefix, null, 2));
    assertThat(first.keys()).containsExactly(keys.get(0), keys.get(1));
    assertThat(first.truncated()).isTrue();
    ObjectsPage second = await(storage.listObjects(prefix, first.lastKey(), 2));
    assertThat(second.keys()).containsExactly(keys.get(2), keys.get(3));
    assertThat(second.truncated()).isTrue();
    ObjectsPage last = await(storage.listObjects(prefix, second.lastKey(), 2));
    assertThat(last.keys()).containsExactly(keys.get(4));
    assertThat(last.truncated()).isFalse();
    assertThat(await(storage.listObjects(prefix, null, 1_000)).keys()).containsExactlyElementsOf(keys);

    List<String> uploads = new java.util.ArrayList<>();
    for (String key : keys.subList(0, 3)) {
      uploads.add(await(storage.createMultipartUpload(key + ".partial", "text/csv", null)));
    }
    UploadsPage uploadsFirst = await(storage.listMultipartUploads(prefix, null, null, 2));
    assertThat(uploadsFirst.uploads()).hasSize(2);
    assertThat(uploadsFirst.truncated()).isTrue();
    MultipartUpload after = uploadsFirst.uploads().get(1);
    UploadsPage uploadsLast = await(storage.listMultipartUploads(prefix, after.key(), after.uploadId(), 2));
    assertThat(uploadsLast.truncated()).isFalse();
    assertThat(java.util.stream.Stream.concat(uploadsFirst.uploads().stream(), uploadsLast.uploads().stream())
      .map(MultipartUpload::uploadId)).containsExactlyInAnyOrderElementsOf(uploads);

    for (MultipartUpload u : await(storage.listMultipartUploads(prefix))) {
      await(storage.abortMultipartUpload(u.key(), u.uploadId()));
    }
    for (String key : keys) {
      await(storage.deleteObject(key));
    }
    assertThat(await(storage.listObjects(prefix, null, 1_000)).keys()).isEmpty();
  }

  @Test
  void completeFailsWithStorageExceptionWhenANonLastPartIsUnder5MiB(Vertx vertx) throws Exception {
    S3Storage storage = storage(vertx, TestServices.config());
    String key = prefix() + "too-small.csv";
    String uploadId = await(storage.createMultipartUpload(key, "text/csv", null));
    String etag1 = await(storage.uploadPart(key, uploadId, 1, randomBuffer(1024)));
    String etag2 = await(storage.uploadPart(key, uploadId, 2, randomBuffer(1024)));

    Future<Void> complete =
      storage.completeMultipartUpload(key, uploadId, List.of(new PartEtag(1, etag1), new PartEtag(2, etag2)));

    assertThatThrownBy(() -> await(complete)).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.s3Code()).isEqualTo("EntityTooSmall");
      assertThat(e.httpStatus()).isEqualTo(400);
      assertThat(e.retryable()).isFalse();
    });
    await(storage.abortMultipartUpload(key, uploadId));
  }

  @Test
  void aPartWhoseFirstAttemptGets500IsRetriedAndTheObjectIsIntact(Vertx vertx) throws Exception {
    AtomicInteger partPuts = new AtomicInteger();
    int proxyPort = await(firstPartProxy(vertx, partPuts, false)).actualPort();
    AppConfig viaProxy = TestServices.config().with(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + proxyPort);
    S3Storage storage = storage(vertx, viaProxy);
    String key = prefix() + "retried.csv";
    Buffer part = randomBuffer(5 * MIB + 17);

    String uploadId = await(storage.createMultipartUpload(key, "text/csv", null));
    String etag = await(storage.uploadPart(key, uploadId, 1, part));
    await(storage.completeMultipartUpload(key, uploadId, List.of(new PartEtag(1, etag))));

    assertThat(partPuts.get()).isEqualTo(2);
    String url = await(signing(vertx).presign(key, "r.csv", Duration.ofMinutes(1))).url();
    assertThat(await(WebClient.create(vertx).getAbs(url).send()).body()).isEqualTo(part);
  }

  @Test
  void aBodyAlteredInTransitIsRejectedBecauseItsDigestsAreSigned(Vertx vertx) throws Exception {
    AtomicInteger partPuts = new AtomicInteger();
    int proxyPort = await(firstPartProxy(vertx, partPuts, true)).actualPort();
    S3Storage storage = storage(vertx, TestServices.config().with(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + proxyPort));
    String key = prefix() + "tampered.csv";
    String uploadId = await(storage.createMultipartUpload(key, "text/csv", null));

    Future<String> part = storage.uploadPart(key, uploadId, 1, randomBuffer(64 * 1024));

    assertThatThrownBy(() -> await(part)).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.httpStatus()).isEqualTo(400);
      assertThat(e.s3Code()).isIn("BadDigest", "XAmzContentSHA256Mismatch");
      assertThat(e.retryable()).isFalse();
    });
    assertThat(partPuts.get()).isEqualTo(1);
    await(storage.abortMultipartUpload(key, uploadId));
  }

  @Test
  void anUnreachableEndpointFailsAfterBoundedRetries(Vertx vertx) throws Exception {
    AppConfig down = TestServices.config().with(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + EmbeddedServices.freePort());
    S3Storage storage = storage(vertx, down);

    long start = System.nanoTime();
    Future<String> part = storage.uploadPart(prefix() + "never.csv", "no-upload", 1, Buffer.buffer("x"));

    assertThatThrownBy(() -> await(part)).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.httpStatus()).isZero();
      assertThat(e.retryable()).isTrue();
      assertThat(e.getMessage()).contains("after 3 attempts");
    });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aRequestRejectedByS3FailsAtOnceWithItsErrorCode(Vertx vertx) throws Exception {
    AppConfig noBucket = TestServices.config().with(AppConfig.S3_BUCKET, "no-such-bucket-" + UUID.randomUUID());
    S3Storage storage = storage(vertx, noBucket);
    Future<String> create = storage.createMultipartUpload(prefix() + "x.csv", "text/csv", null);
    assertThatThrownBy(() -> await(create)).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.s3Code()).isEqualTo("NoSuchBucket");
      assertThat(e.httpStatus()).isEqualTo(404);
      assertThat(e.retryable()).isFalse();
    });
    Future<String> part = storage.uploadPart(prefix() + "x.csv", "some-upload", 1, Buffer.buffer("x"));
    assertThatThrownBy(() -> await(part)).isInstanceOfSatisfying(StorageException.class, e -> {
      assertThat(e.s3Code()).isEqualTo("NoSuchBucket");
      assertThat(e.getMessage()).doesNotContain("attempts");
    });
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  /** A storage client on this Vert.x, with a signing verticle configured by {@code config}; fast retries. */
  private static S3Storage storage(Vertx vertx, AppConfig config) throws Exception {
    await(vertx.deployVerticle(new SigningVerticle(), new io.vertx.core.DeploymentOptions().setConfig(config.json())));
    return S3Storage.create(vertx, WebClient.create(vertx), config.with(AppConfig.S3_MAX_ATTEMPTS, 3)
      .with(AppConfig.S3_RETRY_BASE_MS, 20));
  }

  /** The signing verticle's client (deployed by {@link #storage}). */
  private static StorageClient signing(Vertx vertx) {
    return new StorageClient(BusClient.local(vertx.eventBus(), BusClient.DEFAULT_TIMEOUT_MS));
  }

  /**
   * A loopback proxy in front of s3proxy that spoils the first part upload (answers 500 InternalError, or with
   * {@code tamper} forwards it with one byte flipped) and forwards everything else unchanged, Host included (the
   * signature covers it).
   */
  private static Future<HttpServer> firstPartProxy(Vertx vertx, AtomicInteger partPuts, boolean tamper) {
    HttpClient upstream = vertx.createHttpClient();
    int s3Port = TestServices.get().s3Port();
    return vertx.createHttpServer().requestHandler(req -> req.body().compose(body -> {
      if (req.method() == HttpMethod.PUT && req.uri().contains("partNumber=") && partPuts.incrementAndGet() == 1) {
        if (tamper) {
          Buffer spoiled = body.copy();
          spoiled.setByte(0, (byte) (spoiled.getByte(0) ^ 1));
          return forward(upstream, s3Port, req, spoiled);
        }
        return req.response().setStatusCode(500).putHeader("Content-Type", "application/xml")
          .end("<Error><Code>InternalError</Code><Message>injected</Message></Error>");
      }
      return forward(upstream, s3Port, req, body);
    }).onFailure(e -> req.response().setStatusCode(502).end())).listen(0, "127.0.0.1");
  }

  private static Future<Void> forward(HttpClient upstream, int s3Port, HttpServerRequest req, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(req.method()).setURI(req.uri())
      .setServer(SocketAddress.inetSocketAddress(s3Port, "127.0.0.1"))
      .setHost(req.authority().host()).setPort(req.authority().port());
    req.headers().forEach(h -> {
      if (!HOP_HEADERS.contains(h.getKey().toLowerCase())) {
        options.addHeader(h.getKey(), h.getValue());
      }
    });
    return upstream.request(options).compose(r -> r.send(body)).compose(resp -> resp.body().compose(b -> {
      req.response().setStatusCode(resp.statusCode());
      resp.headers().forEach(h -> {
        if (!HOP_HEADERS.contains(h.getKey().toLowerCase())) {
          req.response().putHeader(h.getKey(), h.getValue());
        }
      });
      return req.response().end(b);
    }));
  }

  private static String prefix() {
    return "it/" + UUID.randomUUID() + "/";
  }

  private static Buffer randomBuffer(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return Await.result(future);
  }
}
