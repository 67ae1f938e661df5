package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.Storage;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Abuse limits (one active export, hourly cap, Idempotency-Key) and retention (files deleted, 410 Gone). */
class ExportLimitsIT {

  static TestApp app;
  static Fixtures db;

  @BeforeAll
  static void start() {
    app = TestApp.isolated(new JsonObject().put(AppConfig.EXPORT_HOURLY_LIMIT, 3).put(AppConfig.EXPORT_JANITOR_MS, 300));
    db = Fixtures.of(app);
  }

  @AfterAll
  static void stop() {
    db.close();
    app.close();
  }

  static Fixtures.Tenant project(int links) {
    Fixtures.Tenant t = db.tenant("Limits", "pro", "limits@example.com");
    db.bulkLinks(t.project(), links, "lim-" + UUID.randomUUID().toString().substring(0, 6));
    return t;
  }

  TestApp.Res post(Fixtures.Tenant p, String idempotencyKey) {
    return post(p, idempotencyKey, "{}");
  }

  TestApp.Res post(Fixtures.Tenant p, String idempotencyKey, String body) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(Exports.base(p.project()))))
        .header("Authorization", "Bearer " + p.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
      if (idempotencyKey != null) {
        b.header("Idempotency-Key", idempotencyKey);
      }
      HttpResponse<String> res = app.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new TestApp.Res(res.statusCode(), new JsonObject(res.body()), res);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSecondExportWhileOneIsActiveGets409NamingTheRunningJob() {
    Fixtures.Tenant p = project(5);
    UUID held = db.uuid("INSERT INTO export_jobs (project_id, requested_by, filters, run_after)"
      + " VALUES (?, ?, '{}'::jsonb, now() + interval '1 hour') RETURNING id", p.project(), UUID.randomUUID());
    TestApp.Res res = post(p, null);
    assertThat(res.status()).isEqualTo(409);
    assertThat(res.errorCode()).isEqualTo("EXPORT_IN_PROGRESS");
    assertThat(res.json().getJsonObject("error").getString("message")).contains(held.toString());
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.project())).isEqualTo(1);
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameJob() {
    Fixtures.Tenant p = project(5);
    TestApp.Res first = post(p, "retry-me-1");
    assertThat(first.status()).isEqualTo(202);
    TestApp.Res again = post(p, "retry-me-1");
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.data().getString("jobId")).isEqualTo(first.data().getString("jobId"));
    Exports.await(app, p.project(), p.token(), first.data().getString("jobId"), Duration.ofSeconds(30));
    TestApp.Res afterDone = post(p, "retry-me-1");
    assertThat(afterDone.data().getString("jobId")).isEqualTo(first.data().getString("jobId"));
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.project())).isEqualTo(1);
    TestApp.Res badKey = post(p, "bad key with spaces");
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(badKey.json().getJsonObject("error").getString("field")).isEqualTo("Idempotency-Key");
  }

  /** Verifies that a bad filter in the export body is a 400 naming the field, carried over the bus, and no job. */
  @Test
  void aBadFilterInTheBodyIsA400NamingTheField() {
    Fixtures.Tenant p = project(1);
    for (String[] bad : new String[][] {{"{\"sortBy\": \"clickz\"}", "sortBy"}, {"{\"folderId\": \"12\"}", "folderId"},
      {"{\"createdAfter\": \"2025-02-01\", \"createdBefore\": \"2025-01-01\"}", "createdAfter"},
      {"{\"search\": {\"x\": 1}}", "search"}, {"{\"bogus\": 1}", "bogus"}}) {
      TestApp.Res res = post(p, null, bad[0]);
      assertThat(res.status()).as(bad[0]).isEqualTo(400);
      assertThat(res.errorCode()).isEqualTo("BAD_REQUEST");
      assertThat(res.json().getJsonObject("error").getString("field")).as(bad[0]).isEqualTo(bad[1]);
    }
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.project())).isZero();
  }

  @Test
  void theHourlyCapAnswers429WithRetryAfter() {
    Fixtures.Tenant p = project(5);
    for (int i = 0; i < 3; i++) {
      TestApp.Res ok = post(p, null);
      assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
      Exports.await(app, p.project(), p.token(), ok.data().getString("jobId"), Duration.ofSeconds(30));
    }
    TestApp.Res limited = post(p, null);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
    long retryAfter = Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(3000L, 3600L);
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.project())).isEqualTo(3);
  }

  @Test
  void exportsPastTheRetentionAreDeletedAndAnswer410() {
    Fixtures.Tenant p = project(8);
    String jobId = Exports.start(app, p.project(), p.token(), new JsonObject());
    JsonObject job = Exports.await(app, p.project(), p.token(), jobId, Duration.ofSeconds(30));
    String url = job.getString("downloadUrl");
    Path object = Storage.objects(p.project(), jobId).get(0);
    assertThat(Files.exists(object)).isTrue();
    db.exec("UPDATE export_jobs SET finished_at = now() - interval '31 days' WHERE id = ?", UUID.fromString(jobId));
    Await.until("the janitor to expire the export", Duration.ofSeconds(15), () -> db.count(
      "SELECT count(*) FROM export_jobs WHERE id = ? AND expired_at IS NOT NULL", UUID.fromString(jobId)) == 1);
    assertThat(Files.exists(object)).isFalse();
    TestApp.Res gone = app.get(Exports.base(p.project()) + "/" + jobId, p.token());
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.errorCode()).isEqualTo("GONE");
    assertThat(Exports.download(app, url).statusCode()).isEqualTo(404);
  }
}
