package io.linkexport.bench;

import io.linkexport.db.SqlStatements;
import io.linkexport.export.ColumnSet;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkQuery;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.TempDirs;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToLongFunction;

/**
 * The benchmark the repo keeps (README, "Performance"; issue 4). Real embedded Postgres and s3proxy; the seeding
 * command and the service run as separate processes from {@code target/link-export.jar}; load on loopback only.
 *
 * <ol>
 *   <li>seeds one project per size (1,000 / 10,000 / 100,000 links; with {@code --memory} also 1,000,000), skipped when
 *   {@code --data DIR} already holds them;</li>
 *   <li>COPY baseline: the export's exact SELECT as {@code COPY (...) TO STDOUT (FORMAT csv, HEADER)} through pgjdbc's
 *   CopyManager into a file, {@code --runs} times, median;</li>
 *   <li>export: the same rows through the HTTP API {@code --runs} times, median of the job's processing time and of
 *   the wall time from POST to completed; every CSV is downloaded and its rows counted;</li>
 *   <li>list API: wrk (or the built-in generator when wrk is absent), 32 connections: clicks-sorted beside
 *   saleAmount-sorted, and search;</li>
 *   <li>cursor paging: the first page of the 1,000,000-link project beside the page after the link at depth 500,000
 *   ({@code startingAfter}), for a sort without nulls (clicks) and one with them (lastClicked); the project is seeded
 *   when absent;</li>
 *   <li>memory: the service again at {@code -Xmx64m}, one export per size, peak heap each;</li>
 *   <li>rollup ingestion: click events, then sale events, in batches with the triggers on and off.</li>
 * </ol>
 * Options: {@code --quick} (the CI smoke run: small sizes, short load), {@code --data DIR}, {@code --runs N},
 * {@code --seconds S}, {@code --memory}, {@code --ingest N} (events, 0 skips), {@code --no-append},
 * {@code --no-warm-up} (loads measured from a cold service: for the smoke run only, its figures mean nothing),
 * {@code --stock-pg} (Postgres with its own memory settings: shared_buffers 128 MB, work_mem 4 MB), and
 * {@code --only plans} with {@code --plans auto,fast-start,total} (issue 23's plan choice: {@link PlanBench}; the
 * largest size and, with {@code --memory}, 1,000,000 links; {@code --plan-links N,M} for other project sizes, seeded
 * with as many clicks as links when absent; {@code --parallelism 1,2,4}: the export's readers, EXPORT_READ_PARALLELISM;
 * {@code --plan-heap 64m}: the service's heap there, 256m by default; {@code --plan-split}: split exports of those
 * sizes, ten files each, by readers; {@code --plan-list-load N}: the list's p99 beside two exports of N readers).
 */
public final class Bench {

  static final UUID USER = UUID.fromString("00000000-0000-4000-8000-0000000be000");
  static final String EXPORT_FILTER = "{\"showArchived\":true,\"sortBy\":\"clicks\"}";

  record Size(int links, long clicks) {
    UUID project() {
      return UUID.fromString(String.format("00000000-0000-4000-8000-%012d", links));
    }
  }

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    String table = run(args);
    System.out.println();
    System.out.println(table);
  }

  /** Runs the benchmark; answers the Markdown table (also appended to docs/benchmarks.md unless --no-append). */
  public static String run(String... args) throws Exception {
    Map<String, String> opt = options(args);
    boolean quick = opt.containsKey("quick");
    int runs = Integer.parseInt(opt.getOrDefault("runs", quick ? "2" : "5"));
    int seconds = Integer.parseInt(opt.getOrDefault("seconds", quick ? "3" : "30"));
    Load.skipWarmUp = opt.containsKey("no-warm-up");
    long ingestEvents = Long.parseLong(opt.getOrDefault("ingest", quick ? "20000" : "1000000"));
    List<Size> sizes = quick
      ? List.of(new Size(1_000, 20_000), new Size(5_000, 100_000))
      : List.of(new Size(1_000, 100_000), new Size(10_000, 1_000_000), new Size(100_000, 10_000_000));
    // --only export|list|cursor|metrics|replica|memory|ingest|files (comma-separated) runs those parts alone, for A/B
    // runs of one; metrics = the list load with metrics off and on, replica = the list load from a standby.
    // plans (issue 23: export vs COPY per read plan, createdAt and clicks) runs only when asked for
    Set<String> parts = Set.of("export", "list", "cursor", "metrics", "replica", "memory", "ingest", "files",
      "plans", "window");
    Set<String> only = opt.containsKey("only") ? new HashSet<>(Arrays.asList(opt.get("only").split(",")))
      : new HashSet<>(Set.of("export", "list", "cursor", "metrics", "replica", "memory", "ingest", "files"));
    if (!parts.containsAll(only)) {
      throw new IllegalArgumentException("--only takes some of " + parts + ", got " + opt.get("only"));
    }
    List<Size> memorySizes = new ArrayList<>(sizes);
    if (opt.containsKey("memory")) {
      memorySizes.add(new Size(1_000_000, 1_000_000));
    }
    // Cursor paging deep in a large project: the page after the link in the middle of it.
    Size deep = quick ? sizes.get(sizes.size() - 1) : new Size(1_000_000, 1_000_000);
    // --plan-links N,M: the plans part at these project sizes (seeded with as many clicks as links when absent);
    // with --only plans, only those are seeded
    List<Size> planSizes = opt.containsKey("plan-links") ? Arrays.stream(opt.get("plan-links").split(","))
      .map(n -> new Size(Integer.parseInt(n), Integer.parseInt(n))).toList() : null;
    List<Size> seedSizes = planSizes != null && only.equals(Set.of("plans")) ? new ArrayList<>()
      : only.equals(Set.of("window")) ? new ArrayList<>(List.of(sizes.get(sizes.size() - 1)))
      : new ArrayList<>(memorySizes);
    if (only.contains("plans") && planSizes != null) {
      planSizes.stream().filter(z -> !seedSizes.contains(z)).forEach(seedSizes::add);
    }
    if (only.contains("cursor") && !seedSizes.contains(deep)) {
      seedSizes.add(deep);
    }
    Path dir = opt.containsKey("data") ? Path.of(opt.get("data")) : Files.createTempDirectory("link-export-bench-");
    Report report = new Report();
    List<Process> children = new ArrayList<>();
    double cpuAtStart = Report.cpuCheckMbPerSecond();
    System.out.printf("CPU check (SHA-256, one core): %.0f MB/s%n", cpuAtStart);
    String postgresVersion;
    try (EmbeddedServices services = EmbeddedServices.start(dir, 0, 0, 0, opt.containsKey("stock-pg"))) {
      postgresVersion = services.postgresVersion() + " (fsync off, " + services.postgresMemory() + ")";
      Map<String, String> env = env(services);
      runToEnd(env, "migrate");
      for (Size s : seedSizes) {
        seedIfAbsent(services, env, s, report);
      }
      Size largest = sizes.get(sizes.size() - 1);
      // Steady state, as autovacuum leaves a production database: fresh statistics and visibility maps.
      try (Connection c = DriverManager.getConnection(services.jdbcUrl())) {
        c.createStatement().execute("VACUUM ANALYZE");
      }

      // COPY baseline and exports at the default heap.
      Service service = Service.start(env, children, "256m");
      for (Size s : only.contains("export") ? sizes : List.<Size>of()) {
        // COPY and export alternate, so both medians sample the same minutes: this machine's speed drifts by a
        // third within minutes, and five COPYs followed by five exports put that drift into the ratio (1.0x-1.8x
        // for the same build).
        List<Long> copy = new ArrayList<>();
        List<Long> serialCopy = new ArrayList<>();
        long copyBytes = 0;
        List<ExportResult> exports = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          long[] r = copyBaseline(services, s, dir, false);
          copy.add(r[0]);
          copyBytes = r[1];
          serialCopy.add(copyBaseline(services, s, dir, true)[0]);
          exports.add(export(service, s));
        }
        report.export(s, median(copy, x -> x), median(serialCopy, x -> x), copyBytes, exports, "256m");
      }

      if (only.contains("files")) {
        report.files(FileBench.formats(service, largest, runs));
      }

      // The heap sampler (jstat every 50 ms, ~7% of a core) only serves the export windows: under the list load it
      // took CPU from the service and Postgres and put 10 ms on the p99 of the clicks-sorted page (44 -> 54 ms).
      service.heap.close();
      if (only.contains("list")) {
        // sortBy=saleAmount beside sortBy=clicks in the same run: the same plan on another rollup index (V10).
        // clicks is measured before and after saleAmount and the ratio taken against its better p99: the first load
        // of a fresh service is still warming up (a quick run served it at 668 req/s, saleAmount then at 1,005).
        LoadResult clicks = load(service, largest, "sortBy=clicks&pageSize=100", null, seconds, report);
        LoadResult sales = load(service, largest, "sortBy=saleAmount&pageSize=100", null, seconds, report);
        LoadResult again = load(service, largest, "sortBy=clicks&pageSize=100",
          "sortBy=clicks&pageSize=100 (again, after saleAmount)", seconds, report);
        report.ratio("`sortBy=saleAmount` p99 / `sortBy=clicks` p99", largest, sales,
          again.p99ms() < clicks.p99ms() ? again : clicks, 1.2);
        load(service, largest, "search=sale&pageSize=100", null, seconds, report);
      }
      if (only.contains("cursor")) {
        for (String sort : List.of("clicks", "lastClicked")) {
          String first = "sortBy=" + sort + "&pageSize=100";
          int depth = deep.links() / 2;
          UUID at = linkAtDepth(services, deep, sort, depth);
          LoadResult top = load(service, deep, first, null, seconds, report);
          LoadResult down = load(service, deep, first + "&startingAfter=" + at,
            String.format("%s&startingAfter=<the link at depth %,d>", first, depth), seconds, report);
          report.ratio(String.format("`sortBy=%s` page after depth %,d p99 / first page p99", sort, depth), deep, down,
            top, 1.5);
        }
      }
      service.stop();
      if (only.contains("metrics")) {
        ListVariants.metrics(env, children, largest, seconds, quick ? 1 : 3, report);
      }
      if (only.contains("replica")) {
        ListVariants.replica(services, env, children, largest, seconds, report);
      }

      // Flat memory: the same service at -Xmx64m, one export per size.
      if (only.contains("memory")) {
        Service small = Service.start(env, children, "64m");
        for (Size s : memorySizes) {
          report.memory(s, export(small, s), "64m");
        }
        small.stop();
      }
      // issue 20 at -Xmx64m: every format at 1M rows, and 1M split at the 100k cap against ten 100k exports (with
      // --memory); the quick run takes the same paths at 5,000 rows split at the 1,000 cap against five 1,000
      Size million = new Size(1_000_000, 1_000_000);
      Size big = memorySizes.contains(million) ? million : quick ? largest : null;
      Size unit = memorySizes.contains(million) ? largest : sizes.get(0);
      if (only.contains("files") && big != null) {
        Service small = Service.start(env, children, "64m");
        report.files(FileBench.memory(small, big));
        small.stop();
        Map<String, String> capped = new HashMap<>(env);
        capped.put("EXPORT_MAX_ROWS", String.valueOf(unit.links()));
        capped.put("EXPORT_MAX_TOTAL_ROWS", String.valueOf(big.links()));
        Service splitting = Service.start(capped, children, "64m");
        report.files(FileBench.split(splitting, big, unit));
        splitting.stop();
      }

      if (only.contains("plans")) {
        List<Size> plans = planSizes != null ? planSizes
          : memorySizes.stream().filter(z -> z.links() >= largest.links()).toList();
        if (!"none".equals(opt.get("plans"))) { // --plans none: only the list beside exports
          report.files(PlanBench.run(services, env, children, plans,
            Arrays.asList(opt.getOrDefault("plans", "auto").split(",")),
            Arrays.asList(opt.getOrDefault("parallelism", "1").split(",")), opt.getOrDefault("plan-heap", "256m"), runs,
            dir));
        }
        // --plan-busy 100,25,...: EXPORT_BUSY_PERCENT of each list-beside run in turn (alternated A/B of the pacing)
        for (String busy : opt.containsKey("plan-list-load") ? opt.getOrDefault("plan-busy", "").split(",")
          : new String[0]) {
          Map<String, String> e = new HashMap<>(env);
          if (!busy.isEmpty()) {
            e.put("EXPORT_BUSY_PERCENT", busy);
          }
          report.files(PlanBench.listBeside(e, children, plans, opt.getOrDefault("plan-list-load", "2"), seconds));
        }
        if (opt.containsKey("plan-split")) {
          report.files(PlanBench.split(env, children, plans, Arrays.asList(opt.getOrDefault("parallelism", "1")
            .split(",")), opt.getOrDefault("plan-heap", "256m"), runs));
        }
      }

      if (only.contains("window")) {
        report.files(WindowBench.run(services, env, children, largest, runs, seconds, dir, report));
      }

      if (ingestEvents > 0 && only.contains("ingest")) {
        // three rounds, fewer in a quick run with fewer --runs (the smoke run's one round took 13 s instead of 35 s)
        int rounds = quick ? Math.min(runs, 3) : 3;
        report.ingest(RollupIngest.run(services.jdbcUrl(), quick ? 1_000 : 10_000, ingestEvents, 10, rounds));
        report.ingest(RollupIngest.sales(services.jdbcUrl(), quick ? 1_000 : 10_000, ingestEvents / 10, 10,
          rounds));
      }
    } finally {
      children.forEach(Process::destroy);
      for (Process p : children) {
        p.waitFor();
      }
      if (!opt.containsKey("data")) {
        TempDirs.remove(dir); // a --data directory is kept on purpose; a run's own one is not
      }
    }
    String table = report.markdown();
    double cpuAtEnd = Report.cpuCheckMbPerSecond();
    String cpuCheck = String.format("(SHA-256, one core) %.0f MB/s at the start, %.0f MB/s at the end", cpuAtStart,
      cpuAtEnd);
    System.out.println("CPU check " + cpuCheck);
    if (!opt.containsKey("no-append")) {
      Report.append(Path.of("docs/benchmarks.md"), table, String.join(" ", args), postgresVersion, cpuCheck);
    }
    return table;
  }

  /** One list load of {@code query} on {@code s}'s project, reported as {@code label} (the query when null). */
  static LoadResult load(Service service, Size s, String query, String label, int seconds, Report report)
      throws Exception {
    LoadResult load = Load.run(service.api(s) + "/links?" + query, service.token, 32, seconds);
    if (load.errors() > 0 || load.requests() == 0) {
      throw new IllegalStateException("list load " + query + ": " + load.errors() + " errors of "
        + load.requests() + " requests; see target/bench-service-256m.log");
    }
    report.load(label == null ? query : label, s, load, Load.warmUpWindow(seconds));
    return load;
  }

  /** The id of the link at {@code depth} (1-based) of the project's default list in {@code sort}, descending. */
  static UUID linkAtDepth(EmbeddedServices services, Size s, String sort, int depth) throws Exception {
    LinkQuery.Sql sql = LinkQuery.of(s.project(), LinkFilter.fromJson(new JsonObject().put("sortBy", sort)))
      .renderOrdered("SELECT l.id FROM links l JOIN link_stats s ON s.link_id = l.id WHERE /*WHERE*/"
        + " ORDER BY /*ORDER*/");
    try (Connection c = DriverManager.getConnection(services.jdbcUrl());
         PreparedStatement ps = c.prepareStatement(sql.text().replace("$1", "?") + " OFFSET ? LIMIT 1")) {
      ps.setObject(1, s.project());
      ps.setInt(2, depth - 1);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the project " + s.project() + " has fewer than " + depth + " links");
        }
        return rs.getObject(1, UUID.class);
      }
    }
  }

  /** A running service JVM with its heap sampler. */
  static final class Service {
    final Process process;
    final String base;
    final String token;
    final HeapSampler heap;

    private Service(Process process, String base, String token, HeapSampler heap) {
      this.process = process;
      this.base = base;
      this.token = token;
      this.heap = heap;
    }

    static Service start(Map<String, String> env, List<Process> children, String xmx) throws Exception {
      Map<String, String> e = new HashMap<>(env);
      e.put("HTTP_PORT", String.valueOf(EmbeddedServices.freePort()));
      List<String> args = new ArrayList<>(List.of("-Xmx" + xmx, "-Xms" + xmx));
      // BENCH_SERVICE_JVM_OPTS: extra options for the service's JVM only, e.g. a flight recording of an export
      // (-XX:StartFlightRecording=filename=target/service.jfr); docs/benchmarks.md says which runs had them.
      String extra = System.getenv().getOrDefault("BENCH_SERVICE_JVM_OPTS", "").trim();
      if (!extra.isEmpty()) {
        args.addAll(Arrays.asList(extra.split("\\s+")));
      }
      args.addAll(List.of("-jar", "target/link-export.jar"));
      ProcessBuilder pb = jar(e, args.toArray(new String[0]));
      pb.redirectOutput(Path.of("target/bench-service-" + xmx + ".log").toFile());
      Process p = pb.start();
      children.add(p);
      String base = "http://127.0.0.1:" + e.get("HTTP_PORT");
      awaitHealthy(base, p);
      return new Service(p, base, TestTokens.session(USER, "bench@example.com", Duration.ofHours(6)),
        HeapSampler.start(p.pid()));
    }

    String api(Size s) {
      return base + "/api/v1/projects/" + s.project();
    }

    void stop() throws InterruptedException {
      heap.close();
      process.destroy();
      process.waitFor();
    }
  }

  /**
   * One COPY of the export's SELECT into a local file: {ms, bytes}. {@code serial}: without parallel workers, the
   * only way a cursor (the export reads one batch at a time) can run it; Postgres plans a COPY with two workers here.
   */
  static long[] copyBaseline(EmbeddedServices services, Size s, Path dir, boolean serial) throws Exception {
    return copyBaseline(services, s, dir, serial, EXPORT_FILTER);
  }

  /** COPY of the export's own SELECT for {@code filter} (JSON): milliseconds and bytes. */
  static long[] copyBaseline(EmbeddedServices services, Size s, Path dir, boolean serial, String filter)
      throws Exception {
    LinkQuery.Sql sql = LinkQuery.of(s.project(), LinkFilter.fromJson(new JsonObject(filter)))
      .renderOrdered(SqlStatements.get("links_export").replace("/*COLUMNS*/", ColumnSet.DEFAULT.selectList()));
    String select = sql.text().replaceAll("--[^\n]*\n", "\n");
    // COPY takes no parameters: each is written as a literal, from the last ($10 before $1)
    for (int i = sql.params().size(); i >= 1; i--) {
      Object v = sql.params().getValue(i - 1);
      String literal = v == null ? "NULL" : v instanceof UUID ? "'" + v + "'::uuid"
        : v instanceof java.time.OffsetDateTime ? "'" + v + "'::timestamptz" : null;
      if (literal == null) {
        throw new IllegalStateException("the bench filter binds a " + v.getClass() + ": " + sql.text());
      }
      select = select.replace("$" + i, literal);
    }
    Path out = dir.resolve("copy.csv");
    try (Connection c = DriverManager.getConnection(services.jdbcUrl());
         OutputStream os = Files.newOutputStream(out)) {
      CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
      if (serial) {
        try (var set = c.createStatement()) {
          set.execute("SET max_parallel_workers_per_gather = 0");
        }
      }
      long t0 = System.nanoTime();
      copy.copyOut("COPY (" + select + ") TO STDOUT (FORMAT csv, HEADER)", os);
      os.flush();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      // The file-options issue made the select list a marker: left unfilled, COPY wrote one empty line per row and
      // the baseline timed nothing (runs of 2026-12-06 before this check).
      if (Files.size(out) < 50L * s.links()) {
        throw new IllegalStateException("the COPY baseline wrote " + Files.size(out) + " bytes for " + s.links()
          + " links: is its select list filled in?");
      }
      return new long[] {ms, Files.size(out)};
    }
  }

  static ExportResult export(Service service, Size s) throws Exception {
    return export(service, s, EXPORT_FILTER);
  }

  /** One export of {@code s}'s project with {@code filter} (JSON) through the API, its CSV downloaded and counted. */
  static ExportResult export(Service service, Size s, String filter) throws Exception {
    return export(service, s, filter, () -> { });
  }

  /** As above; {@code atEnd} runs when the job is seen finished, before its file is downloaded (a CPU sample). */
  static ExportResult export(Service service, Size s, String filter, Runnable atEnd) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String api = service.api(s);
    long t0 = System.nanoTime();
    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(api + "/links/export"))
      .header("Authorization", "Bearer " + service.token).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(filter)).build(), HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      throw new IllegalStateException("export start: " + started.statusCode() + " " + started.body());
    }
    String jobId = new JsonObject(started.body()).getJsonObject("data").getString("jobId");
    JsonObject job;
    while (true) {
      job = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(api + "/links/export/" + jobId))
        .header("Authorization", "Bearer " + service.token).build(), HttpResponse.BodyHandlers.ofString()).body())
        .getJsonObject("data");
      if ("completed".equals(job.getString("status")) || "failed".equals(job.getString("status"))) {
        break;
      }
      Thread.sleep(20);
    }
    atEnd.run();
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    if (!"completed".equals(job.getString("status"))) {
      throw new IllegalStateException("export failed: " + job.encode());
    }
    Instant startedAt = Instant.parse(job.getString("startedAt"));
    Instant finishedAt = Instant.parse(job.getString("finishedAt"));
    long peak = service.heap.peakBytesSince(t0);
    HttpResponse<java.io.InputStream> file = http.send(HttpRequest.newBuilder(URI.create(job.getString("downloadUrl")))
      .build(), HttpResponse.BodyHandlers.ofInputStream());
    long[] counted = countCsv(file.body());
    long dataRows = counted[0] - 1;
    if (dataRows != job.getLong("rowCount") || dataRows != s.links()) {
      throw new IllegalStateException("CSV has " + dataRows + " rows, job says " + job.getLong("rowCount")
        + ", project has " + s.links());
    }
    return new ExportResult(dataRows, counted[1], Duration.between(startedAt, finishedAt).toMillis(), wallMs, peak);
  }

  /** Counts CSV records (newlines outside quotes) and bytes of a download without holding it in memory. */
  static long[] countCsv(java.io.InputStream in) throws IOException {
    long records = 0;
    long bytes = 0;
    boolean quoted = false;
    byte[] buf = new byte[1 << 16];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '"') {
            quoted = !quoted;
          } else if (buf[i] == '\n' && !quoted) {
            records++;
          }
        }
      }
    }
    return new long[] {records, bytes};
  }

  record ExportResult(long rows, long bytes, long processingMs, long wallMs, long peakHeapBytes) {
  }

  record LoadResult(String tool, long requests, long errors, double seconds, double p50ms, double p90ms,
                    double p99ms, double maxMs, List<Long> warmUpRps) {
    double rps() {
      return requests / seconds;
    }

    LoadResult withWarmUp(List<Long> rps) {
      return new LoadResult(tool, requests, errors, seconds, p50ms, p90ms, p99ms, maxMs, rps);
    }
  }

  static <T> long median(List<T> xs, ToLongFunction<T> f) {
    long[] v = xs.stream().mapToLong(f).sorted().toArray();
    return v[v.length / 2];
  }

  static void seedIfAbsent(EmbeddedServices services, Map<String, String> env, Size s, Report report)
      throws Exception {
    try (Connection c = DriverManager.getConnection(services.jdbcUrl());
         PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM links WHERE project_id = ?")) {
      ps.setObject(1, s.project());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (rs.getLong(1) == s.links()) {
          System.out.printf("project %s: %,d links already seeded%n", s.project(), s.links());
          // Kept data (a crash, a rollup-ingest run) may have stale planner statistics; the seed command ends with
          // the same ANALYZE, and production has autovacuum. Without it the clicks-sorted page may sort the project.
          try (Statement st = c.createStatement()) {
            st.execute("ANALYZE links, link_stats, link_tags, tags, folders");
          }
          return;
        }
      }
    }
    long t0 = System.nanoTime();
    runToEnd(env, "seed", "--links", String.valueOf(s.links()), "--clicks", String.valueOf(s.clicks()),
      "--project", s.project().toString(), "--user", USER.toString(), "--plan", "pro");
    report.seed(s, (System.nanoTime() - t0) / 1e9);
  }

  static Map<String, String> env(EmbeddedServices s) {
    Map<String, String> env = new HashMap<>();
    s.config().forEach(e -> env.put(e.getKey(), String.valueOf(e.getValue())));
    env.put("EXPORT_MAX_ROWS", "2000000");
    env.put("EXPORT_HOURLY_LIMIT", "100000");
    env.put("SUPABASE_JWT_SECRET", TestTokens.SECRET);
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

  static void awaitHealthy(String base, Process p) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && p.isAlive()) {
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
    throw new IllegalStateException("service did not become healthy; see target/bench-service-*.log");
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
}
