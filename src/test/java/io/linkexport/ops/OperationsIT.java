package io.linkexport.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.telemetry.RequestContext;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an operator relies on: metrics in Prometheus format, liveness and readiness, draining, the served API document
 * and request ids in responses and log lines.
 */
class OperationsIT {

  /** Verifies that after an export /metrics shows the service's meters, parsed from the exposition format. */
  @Test
  void metricsShowTheServicesMetersAfterAnExport() {
    TestApp app = TestApp.get();
    try (Fixtures db = new Fixtures()) {
      Fixtures.Tenant t = db.tenant("Metered " + UUID.randomUUID(), "pro", "metered@example.com");
      db.bulkLinks(t.project(), 25, "m-" + UUID.randomUUID().toString().substring(0, 6));
      assertThat(app.get("/api/v1/projects/" + t.project() + "/links?sortBy=clicks", t.token()).status()).isEqualTo(200);
      String jobId = Exports.start(app, t.project(), t.token(), new JsonObject());
      JsonObject job = Exports.await(app, t.project(), t.token(), jobId, Duration.ofSeconds(60));
      assertThat(job.getString("status")).isEqualTo("completed");

      Map<String, Double> m = Await.value("the completed export in the metrics", Duration.ofSeconds(10), () -> {
        Map<String, Double> parsed = Prometheus.parse(scrape(app));
        return parsed.getOrDefault("linkexport_exports_completed_total", 0.0) >= 1 ? parsed : null;
      });
      assertThat(m.get("linkexport_exports_started_total")).isGreaterThanOrEqualTo(1);
      assertThat(m.get("linkexport_export_rows_total")).isGreaterThanOrEqualTo(job.getLong("rowCount").doubleValue());
      assertThat(m.get("linkexport_export_bytes_total")).isPositive();
      assertThat(m.get("linkexport_export_attempts_total")).isGreaterThanOrEqualTo(1);
      assertThat(m).containsKey("linkexport_export_rescues_total");
      assertThat(m.get("linkexport_export_duration_seconds_count{outcome=\"completed\"}")).isGreaterThanOrEqualTo(1);
      assertThat(m.get("linkexport_list_request_duration_seconds_count{endpoint=\"list\",sort=\"clicks\"}"))
        .isGreaterThanOrEqualTo(1);
      assertThat(m).containsKeys("linkexport_export_jobs_pending", "linkexport_export_oldest_pending_age_seconds",
        "linkexport_mail_outbox_backlog", "linkexport_mail_send_failures_total", "linkexport_jwks_refreshes_total",
        "linkexport_jwks_refresh_failures_total");
      // Vert.x's own meters, HTTP requests labelled by route template
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_http_server_requests_total")
        && k.contains("/api/v1/projects/:projectId/links"));
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_eventbus_"));
      assertThat(m.keySet()).anyMatch(k -> k.startsWith("vertx_pool_"));
      assertThat(m.keySet()).as("no project or job id is a label value")
        .noneMatch(k -> k.contains(t.project().toString()) || k.contains(jobId));
    }
  }

  /** Verifies that readiness answers 503 as soon as the node drains while liveness and the API still answer. */
  @Test
  void readinessIs503WhileDrainingAndLivenessStays200() {
    TestApp app = TestApp.isolated(new JsonObject().put(AppConfig.HTTP_DRAIN_DELAY_MS, 600_000));
    try (Fixtures db = Fixtures.of(app)) {
      Fixtures.Tenant t = db.tenant("Draining", "pro", "drain@example.com");
      assertThat(app.get("/health/ready", null).status()).isEqualTo(200);
      app.app.drain();
      assertThat(app.get("/health/ready", null).status()).isEqualTo(503);
      assertThat(app.get("/health", null).status()).isEqualTo(503);
      TestApp.Res live = app.get("/health/live", null);
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().getString("status")).isEqualTo("UP");
      // still serving while balancers take it out of rotation
      assertThat(app.get("/api/v1/projects/" + t.project() + "/links", t.token()).status()).isEqualTo(200);
    } finally {
      app.close();
    }
  }

  /** Verifies that readiness answers 503 while Postgres is unreachable, liveness 200, and readiness recovers. */
  @Test
  void readinessIs503WhilePostgresIsDownAndLivenessStays200() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    try (FaultProxy pg = FaultProxy.start(TestServices.get().pgPort())) {
      String url = conf.getString(AppConfig.PG_URL).replace(":" + TestServices.get().pgPort() + "/", ":" + pg.port() + "/");
      TestApp app = TestApp.start(conf.put(AppConfig.PG_URL, url));
      try {
        assertThat(app.get("/health/ready", null).status()).isEqualTo(200);
        pg.down(true);
        TestApp.Res ready = app.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().getString("status")).isEqualTo("DOWN");
        assertThat(app.get("/health/live", null).status()).isEqualTo(200);
        pg.down(false);
        Await.until("readiness to recover with Postgres", Duration.ofSeconds(30),
          () -> app.get("/health/ready", null).status() == 200);
      } finally {
        app.close();
      }
    }
  }

  /**
   * Verifies that a request in flight when the server drains is answered (200) before its connection closes: a
   * list page held by a lock is released only after the drain began.
   */
  @Test
  void aRequestInFlightFinishesWhileTheServerDrains() throws Exception {
    TestApp app = TestApp.isolated(new JsonObject().put(AppConfig.HTTP_DRAIN_TIMEOUT_MS, 60_000)
      .put(AppConfig.BUS_SEND_TIMEOUT_MS, 30_000).put(AppConfig.MAIL_LEASE_SECONDS, 200));
    String jdbc = TestServices.jdbcUrl(app.config);
    try (Fixtures db = new Fixtures(jdbc); Connection locker = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
      Fixtures.Tenant t = db.tenant("In flight", "pro", "flight@example.com");
      db.bulkLinks(t.project(), 5, "f");
      String page = "/api/v1/projects/" + t.project() + "/links?domain=dub.sh";
      assertThat(app.get(page, t.token()).status()).isEqualTo(200);
      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        st.execute("LOCK TABLE links IN ACCESS EXCLUSIVE MODE");
      }
      // HTTP/1.1, as a load balancer talks to its backends: the JDK 17 client fails every stream of an HTTP/2
      // connection on GOAWAY, even those the server announced it would still answer
      HttpClient h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      CompletableFuture<HttpResponse<String>> held = h1.sendAsync(HttpRequest.newBuilder(URI.create(
        app.url(page))).header("Authorization", "Bearer " + t.token()).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
      Await.until("the page to wait for the lock", Duration.ofSeconds(20), () -> db.count("SELECT count(*) FROM"
        + " pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name IN ('" + Db.LIST_CUSTOM_PLANS + "', '"
        + Db.LIST_GENERIC_PLANS + "')") == 1);
      CompletableFuture<Void> drained = app.app.drain().toCompletionStage().toCompletableFuture();
      Await.until("the server to stop accepting connections", Duration.ofSeconds(20), () -> {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", app.port)) {
          return false;
        } catch (java.io.IOException refused) {
          return true;
        }
      });
      assertThat(held).isNotDone();
      locker.commit();
      HttpResponse<String> res = held.get(30, TimeUnit.SECONDS);
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      drained.get(30, TimeUnit.SECONDS);
    } finally {
      app.close();
    }
  }

  /** Verifies that GET /openapi.json serves docs/openapi.json, the document the tests validate every response with. */
  @Test
  void theServedDocumentIsDocsOpenapiJson() throws Exception {
    TestApp app = TestApp.get();
    TestApp.Res res = app.get("/openapi.json", null);
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.json()).isEqualTo(new JsonObject(Files.readString(Path.of("docs/openapi.json"))));
  }

  /**
   * Verifies that a request's id (a proxy's, or a new one) comes back in X-Request-Id and is in the MDC of the
   * request's log lines, also of those written by the export API verticle that served it over the event bus.
   */
  @Test
  void theRequestIdIsEchoedAndInTheMdcOfTheRequestsLogLines() throws Exception {
    TestApp app = TestApp.get();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    try (Fixtures db = new Fixtures()) {
      Fixtures.Tenant t = db.tenant("Traced " + UUID.randomUUID(), "pro", "traced@example.com");
      String id = "proxy-" + UUID.randomUUID();
      HttpResponse<String> res = app.http().send(HttpRequest.newBuilder(URI.create(app.url(Exports.base(t.project()))))
        .header("Authorization", "Bearer " + t.token()).header("Content-Type", "application/json")
        .header(RequestContext.HEADER, id).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
        HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(202);
      assertThat(res.headers().firstValue(RequestContext.HEADER)).contains(id);
      String jobId = new JsonObject(res.body()).getJsonObject("data").getString("jobId");
      List<ILoggingEvent> lines = Await.value("the request's access log line", Duration.ofSeconds(10), () -> {
        List<ILoggingEvent> mine = List.copyOf(logs.list).stream()
          .filter(e -> id.equals(e.getMDCPropertyMap().get(RequestContext.MDC_KEY))).toList();
        return mine.stream().anyMatch(e -> e.getLoggerName().equals("io.linkexport.access")) ? mine : null;
      });
      assertThat(lines).anyMatch(e -> e.getFormattedMessage().contains("POST /api/v1/projects/:projectId/links/export"
        + " 202"));
      assertThat(lines).as("the export API verticle's line, written on its own event loop after a bus hop")
        .anyMatch(e -> e.getFormattedMessage().contains("export " + jobId + " created"));
      assertThat(List.copyOf(logs.list)).as("no line of another request carries the id")
        .filteredOn(e -> e.getFormattedMessage().contains("export") && !e.getFormattedMessage().contains(jobId)
          && e.getLoggerName().startsWith("io.linkexport.export"))
        .noneMatch(e -> id.equals(e.getMDCPropertyMap().get(RequestContext.MDC_KEY)));

      TestApp.Res fresh = app.get("/health/live", null);
      assertThat(fresh.raw().headers().firstValue(RequestContext.HEADER)).hasValueSatisfying(v -> assertThat(v)
        .matches("[0-9a-f-]{36}"));
      HttpResponse<String> forged = app.http().send(HttpRequest.newBuilder(URI.create(app.url("/health/live")))
        .header(RequestContext.HEADER, "a b\t{c}").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(forged.headers().firstValue(RequestContext.HEADER)).hasValueSatisfying(v -> assertThat(v)
        .as("an id that could forge a log line is replaced").matches("[0-9a-f-]{36}"));
    } finally {
      root.detachAppender(logs);
    }
  }

  private static String scrape(TestApp app) {
    try {
      HttpResponse<String> res = app.http().send(HttpRequest.newBuilder(URI.create(app.url("/metrics"))).build(),
        HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
      return res.body();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
