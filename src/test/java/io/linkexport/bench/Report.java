package io.linkexport.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Collects a run's figures and formats them as Markdown tables; appends a run to docs/benchmarks.md. */
final class Report {

  private final StringBuilder seeds = new StringBuilder();
  private final StringBuilder exports = new StringBuilder();
  private final StringBuilder loads = new StringBuilder();
  private final StringBuilder memory = new StringBuilder();
  private final StringBuilder ingest = new StringBuilder();
  /** Issue 20's tables (formats, memory per format, split), rendered by {@link FileBench}. */
  private final StringBuilder files = new StringBuilder();

  void files(String markdown) {
    files.append(markdown);
  }
  private final StringBuilder ratios = new StringBuilder();

  void seed(Bench.Size s, double seconds) {
    seeds.append(String.format("| %,d | %,d | %.1f s | %,.0f clicks/s |%n", s.links(), s.clicks(), seconds,
      s.clicks() / seconds));
  }

  void export(Bench.Size s, long copyMs, long serialCopyMs, long copyBytes, List<Bench.ExportResult> runs,
              String heap) {
    long processing = Bench.median(runs, Bench.ExportResult::processingMs);
    long wall = Bench.median(runs, Bench.ExportResult::wallMs);
    long peak = runs.stream().mapToLong(Bench.ExportResult::peakHeapBytes).max().orElse(0);
    Bench.ExportResult any = runs.get(0);
    exports.append(String.format("| %,d | %,d | %,d ms | %,d ms | %,d ms | %,d ms | **%.2f** | %.2f | %,d | %.1f MiB"
        + " (-Xmx%s) |%n",
      any.rows(), any.bytes(), copyMs, serialCopyMs, processing, wall, copyMs == 0 ? 0.0 : (double) processing / copyMs,
      serialCopyMs == 0 ? 0.0 : (double) processing / serialCopyMs,
      processing == 0 ? 0 : any.rows() * 1000 / processing, peak / 1048576.0, heap));
    System.out.printf("export %,d rows: COPY %d ms (%,d bytes), serial COPY %d ms, export %d ms, wall %d ms%n",
      any.rows(), copyMs, copyBytes, serialCopyMs, processing, wall);
  }

  void load(String query, Bench.Size s, Bench.LoadResult r, int windowSeconds) {
    String warmUp = r.warmUpRps().size() * windowSeconds + " s: " + String.join(" ", r.warmUpRps().stream()
      .map(x -> String.format("%,d", x)).toList());
    loads.append(String.format("| `%s` | %,d | %s | %s | %.0f s | %,.0f | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %d |%n",
      query, s.links(), r.tool(), warmUp, r.seconds(), r.rps(), r.p50ms(), r.p90ms(), r.p99ms(), r.maxMs(),
      r.errors()));
    System.out.printf("list %s: %.0f req/s p50 %.1f ms p99 %.1f ms (warm-up %s req/s)%n", query, r.rps(), r.p50ms(),
      r.p99ms(), warmUp);
  }

  /** The p99 of {@code measured} against {@code baseline}'s, both measured in this run, with the target ratio. */
  void ratio(String what, Bench.Size s, Bench.LoadResult measured, Bench.LoadResult baseline, double target) {
    double ratio = measured.p99ms() / baseline.p99ms();
    ratios.append(String.format("| %s | %,d | %.1f ms / %.1f ms | **%.2f** | <= %.1f |%n", what, s.links(),
      measured.p99ms(), baseline.p99ms(), ratio, target));
    System.out.printf("%s: %.1f / %.1f ms = %.2f (target <= %.1f)%n", what, measured.p99ms(), baseline.p99ms(), ratio,
      target);
  }

  void memory(Bench.Size s, Bench.ExportResult r, String heap) {
    memory.append(String.format("| %,d | %,d | %,d ms | %,d | %.1f MiB (-Xmx%s) |%n", r.rows(), r.bytes(),
      r.processingMs(), r.processingMs() == 0 ? 0 : r.rows() * 1000 / r.processingMs(), r.peakHeapBytes() / 1048576.0,
      heap));
    System.out.printf("export %,d rows at -Xmx%s: %d ms, peak heap %.1f MiB%n", r.rows(), heap, r.processingMs(),
      r.peakHeapBytes() / 1048576.0);
  }

  void ingest(RollupIngest.Result[] results) {
    for (RollupIngest.Result r : results) {
      String lifetime = r.lifetimeMs() < 0 ? "-" : String.format("%,.0f ev/s (%.2f)",
        r.events() * 1000.0 / r.lifetimeMs(), (double) r.lifetimeMs() / r.offMs());
      ingest.append(String.format("| %s | %,d | %,d x %,d | %,.0f ev/s | %s | %,.0f ev/s | **%.2f** |%n", r.spread(),
        r.links(), r.batches(), r.events() / r.batches(), r.events() * 1000.0 / r.offMs(), lifetime,
        r.events() * 1000.0 / r.onMs(), r.ratio()));
    }
  }

  String markdown() {
    StringBuilder b = new StringBuilder();
    if (!seeds.isEmpty()) {
      b.append("Seeding (the `seed` command, rollup triggers on):\n\n| links | clicks | time | rate |\n|---|---|---|---|\n")
        .append(seeds).append('\n');
    }
    if (exports.length() > 0) {
      b.append("Export vs `COPY (same SELECT) TO STDOUT (FORMAT csv, HEADER)` (medians, COPY and export runs"
          + " alternating; export = job started -> finished; serial COPY = the same with"
          + " `max_parallel_workers_per_gather = 0`, as a cursor must run it):\n\n")
        .append("| rows | CSV bytes | COPY | serial COPY | export | POST -> completed | export/COPY | export/serial COPY"
          + " | rows/s | peak heap |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|\n").append(exports).append('\n');
    }
    if (loads.length() > 0) {
      b.append("List API (32 connections, loopback; measured after the warm-up, whose windows' req/s are listed: a fresh"
          + " service runs at about half its steady throughput for its first 30 s while the JIT compiles the list path):\n\n")
        .append("| query | links in project | tool | warm-up (req/s per window) | duration | req/s | p50 | p90 | p99 | max"
          + " | errors |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n").append(loads).append('\n');
    }
    if (ratios.length() > 0) {
      b.append("List p99 ratios (both loads of a row in this run):\n\n")
        .append("| ratio | links in project | p99 | ratio | target |\n|---|---|---|---|---|\n").append(ratios)
        .append('\n');
    }
    if (memory.length() > 0) {
      b.append("Memory: one export per size, service at -Xmx64m (peak = used heap incl. uncollected garbage):\n\n")
        .append("| rows | CSV bytes | processing | rows/s | peak heap |\n|---|---|---|---|---|\n").append(memory);
    }
    if (!files.isEmpty()) {
      b.append('\n').append(files);
    }
    if (!ingest.isEmpty()) {
      b.append("\nRollup maintenance cost on bulk ingestion (triggers on vs off; sales: each converting a lead of its"
          + " link, or none for a fifth of them):\n\n")
        .append("| spread | links | batches x events | off | all-time rollups only (/off) | on (with V12's day rollups)"
          + " | on/off |\n|---|---|---|---|---|---|---|\n").append(ingest);
    }
    return b.toString();
  }

  static void append(Path file, String table, String args, String postgresVersion, String cpuCheck) throws Exception {
    String machine = "nproc " + Runtime.getRuntime().availableProcessors() + ", Java "
      + System.getProperty("java.version") + ", " + cpuModel()
      + "; embedded Postgres " + postgresVersion + ", s3proxy on the local filesystem;"
      + " CPU check " + cpuCheck;
    String entry = "\n## " + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).withNano(0) + "\n\n"
      + "Machine: " + machine + "\n\nCommand: `bench/run.sh " + args + "`\n\n" + table;
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, "# Benchmarks\n\nAppended by `bench/run.sh` (see README, \"Performance\").\n");
    }
    Files.writeString(file, entry, StandardOpenOption.APPEND);
  }

  /**
   * This machine's speed drifts by a third within minutes (other tenants of the host): one core's SHA-256 throughput
   * over 64 MiB, best of three, tells which phase a run was in. Printed at the start and the end of every run.
   */
  static double cpuCheckMbPerSecond() throws Exception {
    byte[] data = new byte[64 << 20];
    new java.util.Random(1).nextBytes(data);
    double best = 0;
    for (int i = 0; i < 3; i++) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      long t0 = System.nanoTime();
      sha.update(data);
      sha.digest();
      best = Math.max(best, 64.0 / ((System.nanoTime() - t0) / 1e9));
    }
    return best;
  }

  private static String cpuModel() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
      new ProcessBuilder("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").start().getInputStream(),
      StandardCharsets.UTF_8))) {
      String l = r.readLine();
      return l == null ? "unknown CPU" : l.trim();
    } catch (Exception e) {
      return "unknown CPU";
    }
  }
}
