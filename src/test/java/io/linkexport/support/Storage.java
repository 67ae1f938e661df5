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

  /**
   * The objects of one export in the bucket's directory (s3proxy's filesystem store), whatever attempt wrote them
   * (keys are {@code exports/<project>/<job>.<attempt>.csv}).
   */
  public static List<java.nio.file.Path> objects(java.util.UUID project, String jobId) {
    java.nio.file.Path dir = TestServices.get().s3Dir().resolve("link-exports").resolve("exports")
      .resolve(project.toString());
    if (!java.nio.file.Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = java.nio.file.Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(jobId + ".")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Multipart uploads still open under a key prefix. */
  public static List<MultipartUpload> incompleteUploads(TestApp app, String prefix) {
    WebClient client = WebClient.create(app.vertx);
    try {
      return S3Storage.create(app.vertx, client, app.config).listMultipartUploads(prefix).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      client.close();
    }
  }
}
