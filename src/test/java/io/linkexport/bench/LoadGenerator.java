package io.linkexport.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load generator on loopback: {@code connections} threads each send the next request when the previous
 * answered, for a bounded time (after a warm-up of a quarter of it) and at most 2,000,000 requests. Latencies are
 * recorded exactly and sorted for percentiles.
 */
final class LoadGenerator {

  private static final int MAX_REQUESTS = 2_000_000;

  private LoadGenerator() {
  }

  static Bench.LoadResult run(String url, String token, int connections, int seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(4))
      .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
      .timeout(Duration.ofSeconds(10)).build();
    runFor(http, req, connections, Math.max(1, seconds / 4), new long[MAX_REQUESTS], new AtomicLong(), new AtomicLong());
    long[] lat = new long[MAX_REQUESTS];
    AtomicLong n = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long t0 = System.nanoTime();
    runFor(http, req, connections, seconds, lat, n, errors);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    int count = (int) Math.min(n.get(), MAX_REQUESTS);
    long[] sorted = Arrays.copyOf(lat, count);
    Arrays.sort(sorted);
    return new Bench.LoadResult(count, errors.get(), elapsed, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99),
      count == 0 ? 0 : sorted[count - 1] / 1000);
  }

  private static void runFor(HttpClient http, HttpRequest req, int connections, int seconds, long[] lat, AtomicLong n,
                             AtomicLong errors) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    for (int c = 0; c < connections; c++) {
      pool.submit(() -> {
        while (System.nanoTime() < end && n.get() < MAX_REQUESTS) {
          long t = System.nanoTime();
          try {
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
              errors.incrementAndGet();
            }
          } catch (Exception e) {
            errors.incrementAndGet();
          }
          long i = n.getAndIncrement();
          if (i < lat.length) {
            lat[(int) i] = System.nanoTime() - t;
          }
        }
      });
    }
    pool.shutdown();
    pool.awaitTermination(seconds + 30L, TimeUnit.SECONDS);
  }

  private static long pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1000;
  }
}
