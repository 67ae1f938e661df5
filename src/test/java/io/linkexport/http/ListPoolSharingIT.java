package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query verticles share the list pools ({@code Db.listPool}): with {@code QUERY_INSTANCES} 2 and
 * {@code PG_POOL_SIZE} 2, a burst of concurrent pages never holds more than 2 generic-plan backends. With a pool per
 * verticle the same burst opened 4 (2 per verticle), and each verticle's pages waited in a queue of their own.
 * An app of its own, so that no other test's backends count.
 */
class ListPoolSharingIT {

  private static final String BACKENDS = "SELECT count(*) FROM pg_stat_activity"
    + " WHERE datname = current_database() AND application_name = ?";
  private static final int CONCURRENT = 24;

  @Test
  void concurrentPagesOfTwoQueryVerticlesWaitForTheSameConnections() throws Exception {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject()
      .put(AppConfig.QUERY_INSTANCES, 2).put(AppConfig.PG_POOL_SIZE, 2));
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    TestApp app = TestApp.start(conf);
    ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT);
    try {
      UUID project = db.project("Shared pools", "pro");
      String token = TestTokens.session(db.member(project), "pools@example.com");
      db.bulkLinks(project, 150, "shared");
      String page = "/api/v1/projects/" + project + "/links?sortBy=clicks&pageSize=100";

      for (int round = 0; round < 4; round++) {
        List<Future<TestApp.Res>> burst = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
          burst.add(clients.submit(() -> app.get(page, token)));
        }
        for (Future<TestApp.Res> res : burst) {
          TestApp.Res r = res.get(60, TimeUnit.SECONDS);
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.json().getJsonArray("data")).hasSize(100);
          assertThat(r.json().getJsonObject("meta").getBoolean("hasMore")).isTrue();
        }
      }

      assertThat(db.count(BACKENDS, Db.LIST_GENERIC_PLANS)).as("generic-plan backends").isBetween(1L, 2L);
    } finally {
      clients.shutdownNow();
      app.close();
      db.close();
    }
  }
}
