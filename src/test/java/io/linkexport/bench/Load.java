package io.linkexport.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load on the list API: {@code wrk} when installed (Debian package {@code wrk}; 2 threads, closed loop,
 * {@code --latency}), else a closed-loop Java generator with exact percentiles. Both warm the service up first, at the
 * same load, until it is in its steady state ({@link #warmUp}).
 */
final class Load {

  /** Set by {@code --no-warm-up}: the smoke run checks the paths, and four warm-up windows per load cost it ~40 s. */
  static volatile boolean skipWarmUp;

  private Load() {
  }

  static Bench.LoadResult run(String url, String token, int connections, int seconds) throws Exception {
    boolean wrk = Files.isExecutable(Path.of("/usr/bin/wrk")) && !"java".equals(System.getenv("BENCH_LOAD"));
    List<Long> warmUp = skipWarmUp ? List.of() : warmUp(wrk, url, token, connections, seconds);
    Bench.LoadResult r = wrk ? wrk(url, token, connections, seconds) : java(url, token, connections, seconds);
    return r.withWarmUp(warmUp);
  }

  /**
   * Loads the service in windows of a third of the measured duration until a window's throughput is within 5% of the
   * window before, after at least the measured duration and at most four times it; answers each window's req/s.
   * A service that has just started runs its list path in the interpreter and C1 code while two cores also carry the
   * load, Postgres and the JIT: its first 10 s served ~45% of its steady throughput on this machine, and it took
   * 30-40 s to get there. Measuring from 6 s on (the warm-up before) averaged that in; the README reports both.
   */
  static List<Long> warmUp(boolean wrk, String url, String token, int connections, int seconds) throws Exception {
    int window = warmUpWindow(seconds);
    List<Long> rps = new ArrayList<>();
    for (int elapsed = 0; elapsed < 4 * seconds; elapsed += window) {
      Bench.LoadResult w = wrk ? wrk(url, token, connections, window) : java(url, token, connections, window);
      rps.add(Math.round(w.rps()));
      int n = rps.size();
      if (elapsed + window >= seconds && n >= 2
        && Math.abs(rps.get(n - 1) - rps.get(n - 2)) <= 0.05 * rps.get(n - 2)) {
        break;
      }
    }
    return rps;
  }

  /** The length of one warm-up window for a measured duration of {@code seconds}. */
  static int warmUpWindow(int seconds) {
    return Math.max(1, seconds / 3);
  }

  static Bench.LoadResult wrk(String url, String token, int connections, int seconds) throws Exception {
    Process p = new ProcessBuilder("/usr/bin/wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency",
      "--timeout", "10s", "-H", "Authorization: Bearer " + token, url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("wrk failed: " + out);
    }
    return parseWrk(out, seconds);
  }

  static Bench.LoadResult parseWrk(String out, int seconds) {
    long requests = Long.parseLong(group(out, "(\\d+) requests in"));
    long errors = 0;
    Matcher non2xx = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
    if (non2xx.find()) {
      errors += Long.parseLong(non2xx.group(1));
    }
    Matcher socket = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
      .matcher(out);
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(socket.group(g));
      }
    }
    double elapsed = millis(group(out, "requests in ([0-9.]+[a-z]+)")) / 1000.0;
    return new Bench.LoadResult("wrk", requests, errors, elapsed > 0 ? elapsed : seconds,
      millis(group(out, "\\s50%\\s+([0-9.]+[a-z]+)")), millis(group(out, "\\s90%\\s+([0-9.]+[a-z]+)")),
      millis(group(out, "\\s99%\\s+([0-9.]+[a-z]+)")),
      millis(group(out, "Latency\\s+\\S+\\s+\\S+\\s+([0-9.]+[a-z]+)")), List.of());
  }

  private static String group(String s, String regex) {
    Matcher m = Pattern.compile(regex).matcher(s);
    if (!m.find()) {
      throw new IllegalStateException("cannot read '" + regex + "' from wrk output:\n" + s);
    }
    return m.group(1);
  }

  /** wrk's durations: 812.00us, 12.34ms, 1.02s, 2.00m. */
  static double millis(String v) {
    Matcher m = Pattern.compile("([0-9.]+)([a-z]+)").matcher(v);
    if (!m.matches()) {
      throw new IllegalArgumentException(v);
    }
    double x = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> x / 1000;
      case "ms" -> x;
      case "s" -> x * 1000;
      case "m" -> x * 60_000;
      case "h" -> x * 3_600_000;
      default -> throw new IllegalArgumentException(v);
    };
  }

  private static final int MAX_REQUESTS = 2_000_000;

  static Bench.LoadResult java(String url, String token, int connections, int seconds) throws Exception {
    // Shut down after the load: its threads are not daemons, and left running they kept the benchmark's JVM alive
    // after its report when wrk is absent.
    ExecutorService executor = Executors.newFixedThreadPool(4);
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .executor(executor).connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
      .timeout(Duration.ofSeconds(10)).build();
    long[] lat = new long[MAX_REQUESTS];
    AtomicLong n = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long t0 = System.nanoTime();
    try {
      runFor(http, req, connections, seconds, lat, n, errors);
    } finally {
      executor.shutdownNow();
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    int count = (int) Math.min(n.get(), MAX_REQUESTS);
    long[] sorted = Arrays.copyOf(lat, count);
    Arrays.sort(sorted);
    return new Bench.LoadResult("java", count, errors.get(), elapsed, pct(sorted, 50), pct(sorted, 90),
      pct(sorted, 99), count == 0 ? 0 : sorted[count - 1] / 1e6, List.of());
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

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e6;
  }
}
