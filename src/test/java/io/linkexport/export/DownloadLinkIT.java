package io.linkexport.export;

import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A download link never outlives its file: it lives 7 days, or until retention (30 days after the export finished)
 * deletes the file when that comes sooner, and {@code downloadExpiresAt} says which.
 */
class DownloadLinkIT {

  static TestApp app;
  static Fixtures db;

  @BeforeAll
  static void start() {
    app = TestApp.get();
    db = new Fixtures();
  }

  @AfterAll
  static void stop() {
    db.close();
  }

  /** Verifies that a link minted 12 hours before retention ends expires with the file, not 7 days later. */
  @Test
  void aLinkMintedShortlyBeforeRetentionEndsExpiresWithTheFile() {
    Fixtures.Tenant t = exported("Link cap");
    UUID job = job(t);
    db.exec("UPDATE export_jobs SET finished_at = now() - interval '29 days 12 hours' WHERE id = ?", job);
    JsonObject read = app.get(Exports.base(t.project()) + "/" + job, t.token()).data();
    Instant expires = Instant.parse(read.getString("downloadExpiresAt"));
    Instant fileGone = Instant.now().plus(Duration.ofHours(12));
    assertThat(Duration.between(expires, fileGone).abs()).isLessThan(Duration.ofMinutes(2));
    long signedSeconds = Long.parseLong(read.getString("downloadUrl").replaceAll(".*[?&]X-Amz-Expires=(\\d+).*", "$1"));
    assertThat(signedSeconds).isBetween(43_000L, 43_200L);
  }

  /** Verifies that a job past its retention answers 410 even before the janitor has deleted its file. */
  @Test
  void aJobPastItsRetentionIsGoneBeforeTheJanitorRuns() {
    Fixtures.Tenant t = exported("Link gone");
    UUID job = job(t);
    db.exec("UPDATE export_jobs SET finished_at = now() - interval '30 days 1 minute' WHERE id = ?", job);
    TestApp.Res res = app.get(Exports.base(t.project()) + "/" + job, t.token());
    assertThat(res.status()).isEqualTo(410);
    assertThat(res.errorCode()).isEqualTo("GONE");
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE id = ? AND expired_at IS NULL", job)).isEqualTo(1);
  }

  private static Fixtures.Tenant exported(String name) {
    Fixtures.Tenant t = db.tenant(name, "pro", "link@example.com");
    db.bulkLinks(t.project(), 3, "dl-" + UUID.randomUUID().toString().substring(0, 6));
    String jobId = Exports.start(app, t.project(), t.token(), new JsonObject());
    assertThat(Exports.await(app, t.project(), t.token(), jobId, Duration.ofSeconds(30)).getString("status"))
      .isEqualTo("completed");
    return t;
  }

  private static UUID job(Fixtures.Tenant t) {
    return UUID.fromString(db.strings("SELECT id::text FROM export_jobs WHERE project_id = ?", t.project()).get(0));
  }
}
