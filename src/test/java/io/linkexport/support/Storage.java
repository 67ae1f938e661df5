package io.linkexport.support;

import io.linkexport.AppConfig;
import io.linkexport.storage.MultipartUpload;
import io.linkexport.storage.S3Storage;
import io.linkexport.storage.SigningVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Looks into the bucket: through s3proxy's filesystem store, or through the service's own storage client (signed by
 * its signing verticle). Each isolated database has a bucket of its own ({@link TestServices#isolatedConfig()}).
 */
public final class Storage {

  private Storage() {
  }

  /**
   * The objects of one export (s3proxy's filesystem store, whichever bucket holds them: project ids are unique),
   * whatever attempt wrote them (keys are {@code exports/<project>/<job>.<attempt>.csv}).
   */
  public static List<Path> objects(UUID project, String jobId) {
    try (Stream<Path> buckets = Files.list(TestServices.get().s3Dir())) {
      return buckets.map(b -> b.resolve("exports").resolve(project.toString())).filter(Files::isDirectory)
        .flatMap(dir -> {
          try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(jobId + ".")).toList().stream();
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Multipart uploads still open under a key prefix, in the bucket of {@code app}. */
  public static List<MultipartUpload> incompleteUploads(TestApp app, String prefix) {
    return through(app.vertx, app.config, s3 -> s3.listMultipartUploads(prefix));
  }

  /** Multipart uploads still open under a key prefix, in the bucket of {@code config} (a service run elsewhere). */
  public static List<MultipartUpload> incompleteUploads(AppConfig config, String prefix) {
    Vertx vertx = Vertx.vertx();
    try {
      Await.result(vertx.deployVerticle(new SigningVerticle(), new DeploymentOptions().setConfig(config.json())));
      return through(vertx, config, s3 -> s3.listMultipartUploads(prefix));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      vertx.close();
    }
  }

  /** The keys under a prefix in the bucket of {@code app}, as ListObjectsV2 lists them (at most 1,000). */
  public static List<String> keys(TestApp app, String prefix) {
    return through(app.vertx, app.config, s3 -> s3.listObjects(prefix, null, 1_000).map(page -> page.keys()));
  }

  private static <T> T through(Vertx vertx, AppConfig config, Function<S3Storage, Future<T>> call) {
    WebClient client = WebClient.create(vertx);
    try {
      return call.apply(S3Storage.create(vertx, client, config)).toCompletionStage().toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      client.close();
    }
  }
}
