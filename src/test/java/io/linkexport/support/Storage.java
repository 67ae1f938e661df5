package io.linkexport.support;

import io.linkexport.storage.MultipartUpload;
import io.linkexport.storage.S3Storage;
import io.vertx.ext.web.client.WebClient;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Looks into the bucket through the service's own storage client (signed by its signing verticle). */
public final class Storage {

  private Storage() {
  }

  /** Multipart uploads still open under a key prefix. */
  public static List<MultipartUpload> incompleteUploads(TestApp app, String prefix) {
    WebClient client = WebClient.create(app.vertx);
    try {
      return new S3Storage(app.vertx, client).listMultipartUploads(prefix).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      client.close();
    }
  }
}
