package io.linkexport.bench;

import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The benchmark the repo keeps (README, "Performance"): real embedded Postgres and s3proxy, the seeding command and
 * the service run as separate processes from {@code target/link-export.jar}, a bounded load on loopback.
 * Run with {@code bench/run.sh [--quick] [--links N] [--clicks M] [--heap 256m] [--seconds S]}.
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    boolean quick = opt.containsKey("quick");
    int links = Integer.parseInt(opt.getOrDefault("links", quick ? "2000" : "100000"));
    int clicks = Integer.parseInt(opt.getOrDefault("clicks", quick ? "50000" : "10000000"));
    String heap = opt.getOrDefault("heap", "256m");
    int seconds = Integer.parseInt(opt.getOrDefault("seconds", quick ? "3" : "20"));
    Path dir = Files.createTempDirectory("link-export-bench-");
    List<Process> children = new ArrayList<>();
    try (EmbeddedServices services = EmbeddedServices.start(dir, 0, 0, 0)) {
      Map<String, String> env = env(services);
      long t0 = System.nanoTime();
      String last = runToEnd(env, "seed", "--links", String.valueOf(links), "--clicks", String.valueOf(clicks),
        "--plan", "pro");
      double seedSeconds = (System.nanoTime() - t0) / 1e9;
      UUID project = UUID.fromString(last.substring(last.indexOf("project=") + 8, last.indexOf("project=") + 44));
      UUID user = UUID.fromString(last.substring(last.indexOf("user=") + 5, last.indexOf("user=") + 41));
      System.out.printf("seeded %,d links / %,d clicks in %.1f s%n", links, clicks, seedSeconds);

      Process service = start(env, children, "-Xmx" + heap);
      String base = "http://127.0.0.1:" + env.get("HTTP_PORT");
      awaitHealthy(base);
      String token = TestTokens.session(user, "bench@example.com", Duration.ofHours(2));
      String api = base + "/api/v1/projects/" + project;

      LoadResult clicksPage = LoadGenerator.run(api + "/links?sortBy=clicks&pageSize=100", token, 32, seconds);
      LoadResult searchPage = LoadGenerator.run(api + "/links?search=sale&pageSize=100", token, 32, seconds);

      List<ExportResult> exports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        exports.add(export(api, token, service.pid()));
      }
      exports.sort((a, b) -> Long.compare(a.processingMs(), b.processingMs()));
      ExportResult median = exports.get(1);

      String table = Report.table(links, clicks, seedSeconds, clicksPage, searchPage, median, heap);
      System.out.println(table);
      Report.append(Path.of("docs/benchmarks.md"), table, String.join(" ", args));
    } finally {
      children.forEach(p -> p.destroy());
      for (Process p : children) {
        p.waitFor();
      }
    }
  }

  static ExportResult export(String api, String token, long pid) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (HeapSampler heap = HeapSampler.start(pid)) {
      long t0 = System.nanoTime();
      HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(api + "/links/export"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"showArchived\":true,\"sortBy\":\"clicks\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
      if (started.statusCode() != 202) {
        throw new IllegalStateException("export start: " + started.body());
      }
      String jobId = new JsonObject(started.body()).getJsonObject("data").getString("jobId");
      JsonObject job;
      while (true) {
        job = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(api + "/links/export/" + jobId))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body())
          .getJsonObject("data");
        if ("completed".equals(job.getString("status")) || "failed".equals(job.getString("status"))) {
          break;
        }
        Thread.sleep(50);
      }
      long wallMs = (System.nanoTime() - t0) / 1_000_000;
      if (!"completed".equals(job.getString("status"))) {
        throw new IllegalStateException("export failed: " + job.encode());
      }
      long peak = heap.peakBytes();
      HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(job.getString("downloadUrl"))).build(),
        HttpResponse.BodyHandlers.ofByteArray());
      long dataRows = Exports.parse(file.body()).size() - 1L;
      if (dataRows != job.getLong("rowCount")) {
        throw new IllegalStateException("CSV has " + dataRows + " rows, job says " + job.getLong("rowCount"));
      }
      long processing = Duration.between(Instant.parse(job.getString("startedAt")),
        Instant.parse(job.getString("finishedAt"))).toMillis();
      return new ExportResult(dataRows, file.body().length, processing, wallMs, peak);
    }
  }

  record ExportResult(long rows, long bytes, long processingMs, long wallMs, long peakHeapBytes) {
  }

  record LoadResult(long requests, long errors, double seconds, long p50us, long p90us, long p99us, long maxUs) {
    double rps() {
      return requests / seconds;
    }
  }

  static Map<String, String> env(EmbeddedServices s) throws IOException {
    Map<String, String> env = new HashMap<>();
    JsonObject c = s.config();
    c.forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    env.put("HTTP_PORT", String.valueOf(EmbeddedServices.freePort()));
    env.put("EXPORT_MAX_ROWS", "1000000");
    env.put("EXPORT_HOURLY_LIMIT", "1000");
    env.put("CONFIG_FILE", "/nonexistent");
    return env;
  }

  static ProcessBuilder jar(Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    return pb;
  }

  /** Runs the jar with a command to completion; answers its last output line. */
  static String runToEnd(Map<String, String> env, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of("-jar", "target/link-export.jar"));
    args.addAll(Arrays.asList(command));
    Process p = jar(env, args.toArray(new String[0])).start();
    String last = "";
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        System.out.println("  | " + line);
        last = line;
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("command failed: " + String.join(" ", command));
    }
    return last;
  }

  static Process start(Map<String, String> env, List<Process> children, String... jvm) throws IOException {
    List<String> args = new ArrayList<>(Arrays.asList(jvm));
    args.addAll(List.of("-jar", "target/link-export.jar"));
    ProcessBuilder pb = jar(env, args.toArray(new String[0]));
    pb.redirectOutput(Path.of("target/bench-service.log").toFile());
    Process p = pb.start();
    children.add(p);
    return p;
  }

  static void awaitHealthy(String base) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("service did not become healthy; see target/bench-service.log");
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i].replaceFirst("^--", "");
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        m.put(a, args[++i]);
      } else {
        m.put(a, "true");
      }
    }
    return m;
  }

  static String today() {
    return LocalDate.now().toString();
  }

}
