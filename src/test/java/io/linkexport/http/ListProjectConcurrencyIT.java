package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.links.ProjectQueryGate;
import io.linkexport.support.Await;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One project cannot take the list pools from the others (issue 18): its list and count queries run at most
 * {@code LIST_PROJECT_CONCURRENCY} at once, its next requests wait in its own queue, and beyond that queue they are
 * refused with 429. Here a project's queries are held by a lock only its pages need (its {@code tagNames} filter
 * reads the tags table; the other project's pages do not), while both projects' pages use the same list pool (each
 * has a filter value, so the custom-plan pool). Without the bound the held project's requests took all 4
 * connections and queued the rest in front of the other project's page, which answered 503 after the bus timeout.
 */
class ListProjectConcurrencyIT {

  /** The list pools' statements waiting for a lock: only the held project's pages do. */
  private static final String WAITING_FOR_THE_LOCK = "SELECT count(*) FROM pg_stat_activity"
    + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name IN ('"
    + Db.LIST_CUSTOM_PLANS + "', '" + Db.LIST_GENERIC_PLANS + "')";
  private static final int BOUND = 2;
  private static final int REFUSED = 6;

  /**
   * Verifies that a project holding its list queries keeps at most its bound of connections, so another project's
   * page and count answer at once, and that its requests beyond the bound and its queue get 429 with Retry-After.
   */
  @Test
  void aProjectHoldingItsQueriesCannotKeepAnotherProjectWaitingAndItsSurplusGets429() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject().put(AppConfig.PG_POOL_SIZE, 4)
      .put(AppConfig.LIST_PROJECT_CONCURRENCY, BOUND).put(AppConfig.QUERY_INSTANCES, 2)
      // Long enough that nothing times out while the test holds the lock; a starved page would answer 503 after it.
      .put(AppConfig.BUS_SEND_TIMEOUT_MS, 20_000).put(AppConfig.MAIL_LEASE_SECONDS, 120));
    String jdbc = TestServices.jdbcUrl(AppConfig.from(conf));
    Fixtures db = new Fixtures(jdbc);
    TestApp app = TestApp.start(conf);
    try (Connection locker = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
      Fixtures.Tenant hog = db.tenant("Hog", "pro", "hog@example.com");
      UUID held = db.tag(hog.project(), "held");
      for (int i = 0; i < 5; i++) {
        db.tagLink(db.link(hog.project(), "held-" + i).insert(), held);
      }
      Fixtures.Tenant other = db.tenant("Other", "pro", "other@example.com");
      db.bulkLinks(other.project(), 30, "other");
      String hogPage = "/api/v1/projects/" + hog.project() + "/links?tagNames=held";
      String otherPage = "/api/v1/projects/" + other.project() + "/links?domain=dub.sh";
      String otherCount = "/api/v1/projects/" + other.project() + "/links/count?domain=dub.sh";
      assertThat(app.get(hogPage, hog.token()).status()).isEqualTo(200);
      assertThat(app.get(otherPage, other.token()).status()).isEqualTo(200);

      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        st.execute("LOCK TABLE tags IN ACCESS EXCLUSIVE MODE");
      }
      List<CompletableFuture<HttpResponse<String>>> hogs = new ArrayList<>();
      for (int i = 0; i < BOUND + ProjectQueryGate.MAX_WAITING + REFUSED; i++) {
        hogs.add(app.http().sendAsync(HttpRequest.newBuilder(URI.create(app.url(hogPage)))
          .header("Authorization", "Bearer " + hog.token()).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString()));
      }
      // A 429 comes only with the bound running and the queue full: then every request has reached the gate.
      Await.until(REFUSED + " of the held project's requests refused", Duration.ofSeconds(15),
        () -> hogs.stream().filter(CompletableFuture::isDone).count() == REFUSED);
      Await.until("the held project's " + BOUND + " running pages to wait for the lock", Duration.ofSeconds(15),
        () -> db.count(WAITING_FOR_THE_LOCK) == BOUND);

      TestApp.Res page = app.get(otherPage, other.token());
      assertThat(page.status()).as(page.raw().body()).isEqualTo(200);
      assertThat(page.json().getJsonArray("data")).isNotEmpty();
      assertThat(app.get(otherCount, other.token()).status()).isEqualTo(200);

      for (CompletableFuture<HttpResponse<String>> f : hogs) {
        if (f.isDone()) {
          HttpResponse<String> refused = f.get();
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
          assertThat(refused.headers().firstValue("Retry-After")).contains("1");
          assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("code"))
            .isEqualTo("RATE_LIMITED");
        }
      }
      assertThat(db.count(WAITING_FOR_THE_LOCK)).as("the held project's statements").isEqualTo(BOUND);

      locker.rollback();
      // Its waiters had not given up: each runs in turn once the lock is gone.
      CompletableFuture.allOf(hogs.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
      long served = 0;
      for (CompletableFuture<HttpResponse<String>> f : hogs) {
        if (f.get().statusCode() == 200) {
          served++;
          assertThat(new JsonObject(f.get().body()).getJsonArray("data")).hasSize(5);
        }
      }
      assertThat(served).isEqualTo(BOUND + ProjectQueryGate.MAX_WAITING);
    } finally {
      app.close();
      db.close();
    }
  }
}
