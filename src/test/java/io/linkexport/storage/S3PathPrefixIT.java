package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TempDirs;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.gaul.s3proxy.S3Proxy;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An S3 API served under a path ({@code S3_ENDPOINT=http://host:port/s3}, as behind a gateway): a real s3proxy with
 * that service path, SigV4 enforced. The prefix used to be dropped, so every request went to the root and failed.
 */
class S3PathPrefixIT {

  /**
   * Verifies that with a path prefix in S3_ENDPOINT every S3 request and the presigned link go under it, signed over
   * the full path: an export completes, its file lands in the bucket, and its download link serves it.
   */
  @Test
  void anExportToAnS3ApiUnderAPathPrefixCompletesAndItsLinkDownloads() throws Exception {
    Path dir = Files.createTempDirectory("link-export-s3-prefix-");
    S3Proxy s3 = EmbeddedServices.startS3(dir, 0, "/s3");
    TestApp app = TestApp.isolated(new JsonObject()
      .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.getPort() + "/s3")
      .put(AppConfig.S3_BUCKET, EmbeddedServices.S3_BUCKET)); // the bucket of this s3proxy, not the isolated one
    try (Fixtures db = Fixtures.of(app)) {
      Fixtures.Tenant t = db.tenant("Prefixed", "pro", "prefix@example.com");
      long links = db.bulkLinks(t.project(), 50, "prefix-" + UUID.randomUUID().toString().substring(0, 6));
      String jobId = Exports.start(app, t.project(), t.token(), new JsonObject().put("showArchived", true));
      JsonObject job = Exports.await(app, t.project(), t.token(), jobId, Duration.ofSeconds(60));
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");

      String url = job.getString("downloadUrl");
      assertThat(URI.create(url).getPath()).startsWith("/s3/" + EmbeddedServices.S3_BUCKET + "/exports/");
      HttpResponse<byte[]> file = Exports.download(app, url);
      assertThat(file.statusCode()).as(new String(file.body())).isEqualTo(200);
      List<List<String>> rows = Exports.parse(file.body());
      assertThat(rows).hasSize(1 + (int) links);
      try (Stream<Path> stored = Files.walk(dir.resolve(EmbeddedServices.S3_BUCKET).resolve("exports"))) {
        assertThat(stored.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .contains(jobId + "." + job.getInteger("attempt") + ".csv");
      }
    } finally {
      app.close();
      s3.stop();
      TempDirs.remove(dir);
    }
  }
}
