package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rolling restart under load: two nodes (JVMs of their own) behind a client that balances as a load balancer does
 * (it sends only to nodes whose readiness answered 200 at its last probe, every 100 ms); one node gets SIGTERM, stops
 * and starts again on its address. Draining makes this lossless: readiness turns 503 at once while the node serves
 * for {@code HTTP_DRAIN_DELAY_MS} (3 s here, thirty probe intervals), and requests in flight when its servers stop
 * are answered. Without draining the listener closed at SIGTERM and the requests sent meanwhile failed.
 */
class RollingRestartIT {

  private static final long DRAIN_DELAY_MS = 3_000;

  /** Verifies that no request of a client under load fails while one of two nodes is restarted with SIGTERM. */
  @Test
  void noRequestFailsWhileOneOfTwoNodesIsRestartedUnderLoad() throws Exception {
    JsonObject base = TestApp.isolatedConfig(new JsonObject().put(AppConfig.HTTP_DRAIN_DELAY_MS, DRAIN_DELAY_MS)
      .put(AppConfig.EXPORT_WORKERS, 1));
    Fixtures db = Fixtures.of(AppConfig.from(base));
    Fixtures.Tenant t = db.tenant("Rolling " + UUID.randomUUID(), "pro", "rolling@example.com");
    db.bulkLinks(t.project(), 300, "roll");
    String path = "/api/v1/projects/" + t.project() + "/links?sortBy=clicks&pageSize=20";

    ChildNode[] nodes = {ChildNode.launch(base, "roll-a"), ChildNode.launch(base, "roll-b")};
    int portA = nodes[0].httpPort();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicIntegerArray ready = new AtomicIntegerArray(2);
    AtomicIntegerArray served = new AtomicIntegerArray(2);
    AtomicLong ok = new AtomicLong();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try {
      for (ChildNode n : nodes) {
        n.awaitHealthy();
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
      int[] ports = {nodes[0].httpPort(), nodes[1].httpPort()};
      pool.submit(() -> probe(http, ports, ready, running));
      List<java.util.concurrent.Future<?>> clients = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        int seed = c;
        clients.add(pool.submit(() -> load(http, ports, path, t.token(), seed, ready, served, ok, failures,
          running)));
      }
      awaitServed(served, 0, 20);

      nodes[0].process().destroy(); // SIGTERM
      assertThat(nodes[0].process().waitFor(60, TimeUnit.SECONDS)).as("node A stopped").isTrue();
      int beforeRestart = served.get(0);
      nodes[0] = ChildNode.launch(base, "roll-a2", portA);
      nodes[0].awaitHealthy();
      awaitServed(served, 0, beforeRestart + 20);

      running.set(false);
      for (java.util.concurrent.Future<?> f : clients) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(failures).as("failed requests during the rolling restart").isEmpty();
      assertThat(served.get(1)).isPositive();
      assertThat(ok.get()).isGreaterThan(40);
    } finally {
      running.set(false);
      pool.shutdownNow();
      for (ChildNode n : nodes) {
        n.process().destroyForcibly().waitFor();
      }
      db.close();
    }
  }

  /** The balancer's health checks: readiness of each node every 100 ms; unreachable counts as not ready. */
  private static Void probe(HttpClient http, int[] ports, AtomicIntegerArray ready, AtomicBoolean running)
    throws InterruptedException {
    while (running.get()) {
      for (int i = 0; i < ports.length; i++) {
        int status;
        try {
          status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[i] + "/health/ready"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
          status = 0;
        }
        ready.set(i, status == 200 ? 1 : 0);
      }
      Thread.sleep(100); // the probe interval of the simulated load balancer, not a wait for a result
    }
    return null;
  }

  /** One client: pages to the ready nodes in turn; anything but a 200 is a failure. */
  private static Void load(HttpClient http, int[] ports, String path, String token, int seed,
    AtomicIntegerArray ready, AtomicIntegerArray served, AtomicLong ok, ConcurrentLinkedQueue<String> failures,
    AtomicBoolean running) throws InterruptedException {
    int turn = seed;
    while (running.get()) {
      int node = -1;
      for (int k = 0; k < ports.length && node < 0; k++) {
        int i = (turn + k) % ports.length;
        node = ready.get(i) == 1 ? i : -1;
      }
      turn++;
      if (node < 0) {
        Thread.sleep(20); // no node in rotation yet: a balancer would queue the request
        continue;
      }
      try {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[node]
          + path)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() == 200) {
          ok.incrementAndGet();
          served.incrementAndGet(node);
        } else {
          failures.add("node " + node + ": " + res.statusCode() + " " + res.body());
        }
      } catch (Exception e) {
        failures.add("node " + node + ": " + e);
      }
    }
    return null;
  }

  private static void awaitServed(AtomicIntegerArray served, int node, int atLeast) {
    io.linkexport.support.Await.until("node " + node + " to serve " + atLeast + " pages", Duration.ofSeconds(90),
      () -> served.get(node) >= atLeast);
  }
}
