package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.Storage;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
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
    db = new Fixtures(TestServices.jdbcUrl(app.config));
  }

  @AfterAll
  static void stop() {
    db.close();
    app.close();
  }

  record Project(UUID id, String token) {
  }

  static Project project(int links) {
    UUID p = db.project("Limits " + UUID.randomUUID(), "pro");
    UUID u = db.member(p);
    db.bulkLinks(p, links, "lim-" + UUID.randomUUID().toString().substring(0, 6));
    return new Project(p, TestTokens.session(u, "limits@example.com"));
  }

  TestApp.Res post(Project p, String idempotencyKey) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(Exports.base(p.id()))))
        .header("Authorization", "Bearer " + p.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{}"));
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
    Project p = project(5);
    UUID held = db.uuid("INSERT INTO export_jobs (project_id, requested_by, filters, run_after)"
      + " VALUES (?, ?, '{}'::jsonb, now() + interval '1 hour') RETURNING id", p.id(), UUID.randomUUID());
    TestApp.Res res = post(p, null);
    assertThat(res.status()).isEqualTo(409);
    assertThat(res.errorCode()).isEqualTo("CONFLICT");
    assertThat(res.json().getJsonObject("error").getString("message")).contains(held.toString());
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.id())).isEqualTo(1);
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameJob() {
    Project p = project(5);
    TestApp.Res first = post(p, "retry-me-1");
    assertThat(first.status()).isEqualTo(202);
    TestApp.Res again = post(p, "retry-me-1");
    assertThat(again.status()).isEqualTo(202);
    assertThat(again.data().getString("jobId")).isEqualTo(first.data().getString("jobId"));
    Exports.await(app, p.id(), p.token(), first.data().getString("jobId"), Duration.ofSeconds(30));
    TestApp.Res afterDone = post(p, "retry-me-1");
    assertThat(afterDone.data().getString("jobId")).isEqualTo(first.data().getString("jobId"));
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.id())).isEqualTo(1);
    assertThat(post(p, "bad key with spaces").status()).isEqualTo(400);
  }

  @Test
  void theHourlyCapAnswers429WithRetryAfter() {
    Project p = project(5);
    for (int i = 0; i < 3; i++) {
      TestApp.Res ok = post(p, null);
      assertThat(ok.status()).as(ok.raw().body()).isEqualTo(202);
      Exports.await(app, p.id(), p.token(), ok.data().getString("jobId"), Duration.ofSeconds(30));
    }
    TestApp.Res limited = post(p, null);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
    long retryAfter = Long.parseLong(limited.raw().headers().firstValue("Retry-After").orElseThrow());
    assertThat(retryAfter).isBetween(3000L, 3600L);
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", p.id())).isEqualTo(3);
  }

  @Test
  void exportsPastTheRetentionAreDeletedAndAnswer410() {
    Project p = project(8);
    String jobId = Exports.start(app, p.id(), p.token(), new JsonObject());
    JsonObject job = Exports.await(app, p.id(), p.token(), jobId, Duration.ofSeconds(30));
    String url = job.getString("downloadUrl");
    Path object = Storage.objects(p.id(), jobId).get(0);
    assertThat(Files.exists(object)).isTrue();
    db.exec("UPDATE export_jobs SET finished_at = now() - interval '31 days' WHERE id = ?", UUID.fromString(jobId));
    long deadline = System.currentTimeMillis() + 15_000;
    while (db.count("SELECT count(*) FROM export_jobs WHERE id = ? AND expired_at IS NOT NULL",
      UUID.fromString(jobId)) == 0) {
      assertThat(System.currentTimeMillis()).as("the janitor expired the export").isLessThan(deadline);
      Exports.sleep(100);
    }
    assertThat(Files.exists(object)).isFalse();
    TestApp.Res gone = app.get(Exports.base(p.id()) + "/" + jobId, p.token());
    assertThat(gone.status()).isEqualTo(410);
    assertThat(gone.errorCode()).isEqualTo("GONE");
    assertThat(Exports.download(app, url).statusCode()).isEqualTo(404);
  }
}
