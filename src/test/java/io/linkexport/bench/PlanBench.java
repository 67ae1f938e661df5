package io.linkexport.bench;

import io.linkexport.support.EmbeddedServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of issue 23's first step (the right plan at every size), run by {@code bench/run.sh --only plans}: for
 * each read plan ({@code EXPORT_READ_PLAN}: {@code auto}, and with {@code --plans auto,fast-start,total} the forced
 * ones beside it), each seeded size and both sorts (createdAt, clicks), the export job against the parallel COPY of
 * its own SELECT, alternating (medians), with the plan {@code auto} chose as the service logged it. Run it with
 * {@code --stock-pg} as well: the plan that wins depends on the cache the tables fit in. Beside each median, the CPU
 * the COPY and the export took in Postgres, the service and s3proxy ({@link CpuMeter}), after warming the service up
 * until its JIT is nearly done ({@link #warmUp}).
 */
final class PlanBench {

  static final List<String> SORTS = List.of("createdAt", "clicks");
  /** At most this many unmeasured exports before the measured ones ({@link #warmUp}). */
  private static final int MAX_WARM_UPS = 10;
  /** The service logs a batch read slower than this (EXPORT_SLOW_BATCH_MS): in the bench, the first one. */
  private static final long FIRST_BATCH_LOGGED_FROM_MS = 50;
  private static final java.util.regex.Pattern FIRST_BATCH =
    java.util.regex.Pattern.compile(": batch 1 \\([0-9]+ rows\\) took ([0-9]+) ms to read");

  private PlanBench() {
  }

  static String run(EmbeddedServices services, Map<String, String> env, List<Process> children, List<Bench.Size> sizes,
                    List<String> plans, List<String> parallelisms, String heap, int runs, Path dir) throws Exception {
    StringBuilder md = new StringBuilder(String.format("Export vs COPY by read plan and readers (service at %s;"
      + " issue 23: the export within 1.1x of the parallel COPY of its SELECT at every size, both sorts; first batch:"
      + " the read of the export's first 1,000 rows; CPU in ms, medians, from /proc: every Postgres process, background"
      + " work included, the service's JVM, s3proxy's threads):%n%n| links | sort"
      + " | plan | chosen | readers | COPY | export | export / COPY | first batch | peak heap"
      + " | CPU of the COPY: Postgres"
      + " | CPU of the export: Postgres / service / s3proxy |%n"
      + "|---|---|---|---|---|---|---|---|---|---|---|---|%n", heap));
    for (String plan : plans) {
      for (String readers : parallelisms) {
        Map<String, String> e = new HashMap<>(env);
        e.put("EXPORT_READ_PLAN", plan);
        e.put("EXPORT_READ_PARALLELISM", readers);
        // every batch read slower than this is logged: the first one's time is Postgres' time to the first row
        e.put("EXPORT_SLOW_BATCH_MS", String.valueOf(FIRST_BATCH_LOGGED_FROM_MS));
        Bench.Service service = Bench.Service.start(e, children, heap);
        for (Bench.Size s : sizes) {
          for (String sort : SORTS) {
            String filter = "{\"showArchived\":true,\"sortBy\":\"" + sort + "\"}";
            CpuMeter meter = new CpuMeter(dir, service.process.pid());
            String warmUps = warmUp(service, s, filter, meter);
            List<Long> copy = new ArrayList<>();
            List<Bench.ExportResult> exports = new ArrayList<>();
            List<CpuMeter.Sample> copyCpu = new ArrayList<>();
            List<CpuMeter.Sample> exportCpu = new ArrayList<>();
            List<Long> firstBatch = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
              CpuMeter.Sample before = meter.take();
              copy.add(Bench.copyBaseline(services, s, dir, false, filter)[0]);
              copyCpu.add(meter.take().minus(before));
              CpuMeter.Sample start = meter.take();
              var threadsBefore = meter.serviceThreads();
              int logLines = Files.readAllLines(log(heap)).size();
              CpuMeter.Sample[] end = new CpuMeter.Sample[1];
              List<java.util.Map<String, Long>> threadsAfter = new ArrayList<>();
              exports.add(Bench.export(service, s, filter, () -> {
                end[0] = meter.take();
                threadsAfter.add(meter.serviceThreads());
              }));
              exportCpu.add(end[0].minus(start));
              firstBatch.add(firstBatchMs(heap, logLines));
              System.out.printf("service CPU ms by thread, %,d links by %s: %s%n", s.links(), sort,
                CpuMeter.growth(threadsBefore, threadsAfter.get(0)));
            }
            long c = Bench.median(copy, x -> x);
            long x = Bench.median(exports, Bench.ExportResult::processingMs);
            String chosen = chosen(heap, "reads with the ", "?");
            String ranges = chosen(heap, "reads ", "1").replaceAll("[^0-9].*", "");
            long peak = exports.stream().mapToLong(Bench.ExportResult::peakHeapBytes).max().orElse(0);
            long first = Bench.median(firstBatch, f -> f);
            md.append(String.format("| %,d | %s | %s | %s | %s | %,d ms | %,d ms | **%.2f** | %s | %d MB | %s | %s |%n",
              s.links(), sort, plan, chosen, ranges, c, x, c == 0 ? 0.0 : (double) x / c,
              first < FIRST_BATCH_LOGGED_FROM_MS ? "< " + FIRST_BATCH_LOGGED_FROM_MS + " ms"
                : String.format("%,d ms", first), peak >> 20,
              String.format("%,d", Bench.median(copyCpu, CpuMeter.Sample::postgresMs)),
              String.format("%,d / %,d / %,d", Bench.median(exportCpu, CpuMeter.Sample::postgresMs),
                Bench.median(exportCpu, CpuMeter.Sample::serviceMs),
                Bench.median(exportCpu, CpuMeter.Sample::s3proxyMs))));
            System.out.printf("plan %s, %s readers, %,d links by %s (%s, %s ranges; %s): COPY %d"
              + " ms, export %d ms, first batch %s ms; CPU ms COPY %s, export %s%n", plan, readers, s.links(), sort,
              chosen, ranges, warmUps, c, x, firstBatch, copyCpu, exportCpu);
          }
        }
        service.stop();
      }
    }
    return md.append(String.format("%n")).toString();
  }

  /**
   * Unmeasured exports until the service runs the export near its steady state, as a service that has exported
   * before does: the cache warm and the JIT mostly done, i.e. the compiler threads took under a sixth of the service's
   * CPU in the last one, or {@link #MAX_WARM_UPS} of them. One warm-up export was not enough: in the 2026-12-07 runs
   * C1 and C2 still took 290-790 of 670-1,350 ms of the service's CPU in each 100,000-row export that followed it,
   * and 180-520 ms at 300,000 rows after eight. Answers how many it took and the compilers' CPU in the last. A thread
   * kind that lost a thread between the samples counts nothing (not a negative growth).
   */
  private static String warmUp(Bench.Service service, Bench.Size s, String filter, CpuMeter meter) throws Exception {
    for (int i = 1; ; i++) {
      var before = meter.serviceThreads();
      List<java.util.Map<String, Long>> after = new ArrayList<>();
      Bench.export(service, s, filter, () -> after.add(meter.serviceThreads()));
      long all = 0;
      long compilers = 0;
      for (var e : after.get(0).entrySet()) {
        long grew = Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
        all += grew;
        compilers += e.getKey().contains("CompilerThre") ? grew : 0;
      }
      if (compilers * 6 < all || i == MAX_WARM_UPS) {
        return String.format("%d exports to warm up, compilers %d of %d ms in the last", i, compilers, all);
      }
    }
  }

  private static Path log(String heap) {
    return Path.of("target/bench-service-" + heap + ".log");
  }

  /**
   * The first batch's read time of the export logged after line {@code from} of the service's log ("batch 1 (1000
   * rows) took 812 ms to read"), or 0 when it was under {@link #FIRST_BATCH_LOGGED_FROM_MS} (not logged). With two
   * readers it is the first range's: the ranges sort side by side before it.
   */
  private static long firstBatchMs(String heap, int from) throws Exception {
    List<String> lines = Files.readAllLines(log(heap));
    for (String line : lines.subList(Math.min(from, lines.size()), lines.size())) {
      java.util.regex.Matcher m = FIRST_BATCH.matcher(line);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    return 0;
  }

  /**
   * {@code --plan-split}: each size exported with {@code split=auto} at a cap of a tenth of it (ten files by creation
   * date, issue 20) with each number of readers (issue 23: a split's readers read groups of its files), by clicks.
   */
  static String split(Map<String, String> env, List<Process> children, List<Bench.Size> sizes,
                      List<String> parallelisms, String heap, int runs) throws Exception {
    StringBuilder md = new StringBuilder(String.format("Split exports by readers (service at %s, EXPORT_MAX_ROWS a"
      + " tenth of the export, by clicks):%n%n| links | readers | ranges | export | peak heap |%n"
      + "|---|---|---|---|---|%n", heap));
    for (String readers : parallelisms) {
      for (Bench.Size s : sizes) {
        Map<String, String> e = new HashMap<>(env);
        e.put("EXPORT_READ_PARALLELISM", readers);
        e.put("EXPORT_MAX_ROWS", String.valueOf(s.links() / 10));
        e.put("EXPORT_MAX_TOTAL_ROWS", String.valueOf(s.links()));
        Bench.Service service = Bench.Service.start(e, children, heap);
        io.vertx.core.json.JsonObject split = new io.vertx.core.json.JsonObject().put("split", "auto");
        FileBench.export(service, s, split); // unmeasured: the JIT and the cache
        List<Bench.ExportResult> exports = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          exports.add(FileBench.export(service, s, split));
        }
        long x = Bench.median(exports, Bench.ExportResult::processingMs);
        long peak = exports.stream().mapToLong(Bench.ExportResult::peakHeapBytes).max().orElse(0);
        String ranges = chosen(heap, "reads ", "1").replaceAll("[^0-9].*", "");
        md.append(String.format("| %,d | %s | %s | %,d ms | %d MB |%n", s.links(), readers, ranges, x, peak >> 20));
        System.out.printf("split, %s readers (%s ranges), %,d links: %d ms%n", readers, ranges, s.links(), x);
        service.stop();
      }
    }
    return md.append(String.format("%n")).toString();
  }

  /**
   * {@code --plan-list-load}: the clicks-sorted list page of the largest size under load (32 connections) alone, then
   * while two exports by creation date (of the two largest sizes, with {@code readers} readers each) run one after
   * another in a loop each (issue 23: p99 within 1.5x of its value without them). Alternated twice.
   */
  static String listBeside(Map<String, String> env, List<Process> children, List<Bench.Size> sizes, String readers,
                           int seconds) throws Exception {
    Map<String, String> e = new HashMap<>(env);
    e.put("EXPORT_READ_PARALLELISM", readers);
    Bench.Service service = Bench.Service.start(e, children, "256m");
    Bench.Size listed = sizes.get(sizes.size() - 1);
    String page = service.api(listed) + "/links?sortBy=clicks&pageSize=100";
    Load.run(page, service.token, 32, seconds); // unmeasured: the JIT
    List<Bench.Size> exported = sizes.subList(Math.max(0, sizes.size() - 2), sizes.size());
    for (Bench.Size s : exported) { // unmeasured: the export path's JIT (C2 threads took cores in round 1's exports)
      Bench.export(service, s, "{\"showArchived\":true,\"sortBy\":\"createdAt\"}");
    }
    StringBuilder md = new StringBuilder(String.format("List page beside two parallel exports (service at 256m,"
      + " %s readers an export, EXPORT_BUSY_PERCENT %s; clicks-sorted page of the %,d-link project, 32 connections, %d s"
      + " each):%n%n| round | exports | req/s | p99 |%n|---|---|---|---|%n", readers,
      e.getOrDefault("EXPORT_BUSY_PERCENT", System.getenv().getOrDefault("EXPORT_BUSY_PERCENT", "default")),
      listed.links(), seconds));
    for (int round = 1; round <= 2; round++) {
      Bench.LoadResult alone = Load.run(page, service.token, 32, seconds);
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      List<Thread> exporters = new ArrayList<>();
      java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
      // each loop exports for the whole window: the load below measures beside both from their first statements on
      for (Bench.Size s : exported) {
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            try {
              Bench.export(service, s, "{\"showArchived\":true,\"sortBy\":\"createdAt\"}");
              done.incrementAndGet();
            } catch (Exception ex) {
              throw new IllegalStateException(ex);
            }
          }
        });
        t.start();
        exporters.add(t);
      }
      Bench.LoadResult beside = Load.run(page, service.token, 32, seconds);
      stop.set(true);
      for (Thread t : exporters) {
        t.join();
      }
      md.append(String.format("| %d | none | %,.0f | %.1f ms |%n| %d | two (%d done) | %,.0f | %.1f ms (**%.2fx**) |%n",
        round, alone.rps(), alone.p99ms(), round, done.get(), beside.rps(), beside.p99ms(),
        beside.p99ms() / alone.p99ms()));
      System.out.printf("list p99 alone %.1f ms, beside two exports %.1f ms%n", alone.p99ms(), beside.p99ms());
    }
    service.stop();
    return md.append(String.format("%n")).toString();
  }

  /**
   * From the service's log, what follows {@code marker} in the last line of the last export that has it: the plan
   * ("export ... reads with the total (...) plan"), or the ranges read in parallel ("export ... reads 2 ranges of its
   * snapshot"); {@code none} when the last export has no such line.
   */
  private static String chosen(String heap, String marker, String none) throws Exception {
    List<String> lines = Files.readAllLines(Path.of("target/bench-service-" + heap + ".log"));
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      if (line.contains("reads with the ") && !marker.equals("reads with the ")) {
        return none; // the last export's plan line comes before its ranges line: it had none
      }
      int at = line.indexOf(marker);
      if (at >= 0 && (marker.equals("reads with the ") || line.contains("ranges of its snapshot"))) {
        String rest = line.substring(at + marker.length());
        return rest.substring(0, rest.indexOf(' '));
      }
    }
    return none;
  }
}
