package io.linkexport.bench;

import io.linkexport.bench.Bench.LoadResult;
import io.linkexport.support.EmbeddedServices;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The figures of issue 19 (analytics for a period), run by {@code bench/run.sh --only window}: on the largest seeded
 * project, the export with the last 30 days of Europe/Berlin as its metrics window (both edges inside UTC-day
 * buckets) against the COPY of its own SELECT and against the all-time export, by createdAt and by clicks
 * (alternating, medians); the clicks-sorted list page with that window under the list load beside the all-time page;
 * and the bytes of the day rollups per million clicks.
 */
final class WindowBench {

  /** Connections of the windowed list loads. */
  private static final int WINDOW_CONNECTIONS = 4;

  private WindowBench() {
  }

  /** The window's filter fields: the 30 whole days of Berlin before today. */
  static String window() {
    LocalDate today = LocalDate.now(ZoneId.of("Europe/Berlin"));
    return "\"metricsFrom\":\"" + today.minusDays(30) + "\",\"metricsTo\":\"" + today
      + "\",\"timezone\":\"Europe/Berlin\"";
  }

  static String run(EmbeddedServices services, Map<String, String> env, List<Process> children, Bench.Size s,
                    int runs, int seconds, Path dir, Report report) throws Exception {
    StringBuilder md = new StringBuilder(String.format("Metrics window (issue 19: the last 30 days of Europe/Berlin;"
      + " the windowed export within 1.5x of the COPY of its SELECT and 1.3x of the all-time export):%n%n| links |"
      + " sort | COPY (window) | export (window) | window / COPY | export (all time) | window / all time |%n"
      + "|---|---|---|---|---|---|---|%n"));
    Bench.Service service = Bench.Service.start(env, children, "256m");
    for (String sort : List.of("createdAt", "clicks")) {
      String lifetime = "{\"showArchived\":true,\"sortBy\":\"" + sort + "\"}";
      String windowed = "{\"showArchived\":true,\"sortBy\":\"" + sort + "\"," + window() + "}";
      Bench.export(service, s, windowed); // unmeasured: the JIT and the cache
      Bench.export(service, s, lifetime);
      List<Long> copy = new ArrayList<>();
      List<Bench.ExportResult> win = new ArrayList<>();
      List<Bench.ExportResult> all = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        copy.add(Bench.copyBaseline(services, s, dir, false, windowed)[0]);
        win.add(Bench.export(service, s, windowed));
        all.add(Bench.export(service, s, lifetime));
      }
      long c = Bench.median(copy, x -> x);
      long w = Bench.median(win, Bench.ExportResult::processingMs);
      long a = Bench.median(all, Bench.ExportResult::processingMs);
      md.append(String.format("| %,d | %s | %,d ms | %,d ms | **%.2f** | %,d ms | **%.2f** |%n", s.links(), sort, c, w,
        (double) w / c, a, (double) w / a));
      System.out.printf("window export by %s: COPY %s, window %s, all time %s%n", sort, copy,
        win.stream().map(Bench.ExportResult::processingMs).toList(),
        all.stream().map(Bench.ExportResult::processingMs).toList());
    }
    String query = window().replace("\"", "").replace(":", "=").replace(",", "&");
    service.heap.close();
    LoadResult plain = Bench.load(service, s, "sortBy=clicks&pageSize=100", null, seconds, report);
    md.append(String.format("%nList pages under load (the all-time page at 32 connections: %.0f req/s, p99 %.1f ms;"
      + " a windowed page aggregates the project's window, so it is loaded at %d connections and its errors (503 after"
      + " the bus timeout) are counted, not fatal):%n%n| page | connections | req/s | p50 | p99 | errors |%n"
      + "|---|---|---|---|---|---|%n", plain.rps(), plain.p99ms(), WINDOW_CONNECTIONS));
    for (String page : List.of("sortBy=clicks&pageSize=100", "pageSize=100")) {
      LoadResult r = Load.run(service.api(s) + "/links?" + page + "&" + query, service.token, WINDOW_CONNECTIONS,
        seconds);
      md.append(String.format("| %s + 30-day window | %d | %.0f | %.1f ms | %.1f ms | %,d of %,d |%n", page,
        WINDOW_CONNECTIONS, r.rps(), r.p50ms(), r.p99ms(), r.errors(), r.requests()));
      System.out.printf("window list %s: %.0f req/s p50 %.1f ms p99 %.1f ms, %d errors%n", page, r.rps(), r.p50ms(),
        r.p99ms(), r.errors());
    }
    service.stop();
    try (Connection c = DriverManager.getConnection(services.jdbcUrl());
         ResultSet r = c.createStatement().executeQuery("SELECT pg_total_relation_size('link_day_stats'),"
           + " pg_relation_size('link_click_matches_time_idx') + pg_relation_size('link_click_matches_click_idx'),"
           + " (SELECT count(*) FROM link_clicks), (SELECT count(*) FROM link_day_stats)")) {
      r.next();
      double millions = r.getLong(3) / 1e6;
      md.append(String.format("%nStorage: link_day_stats %,d MB for %,d clicks in %,d day rows: **%.1f MB per million"
          + " clicks**; the two new indexes of link_click_matches %.1f MB per million clicks.%n%n",
        r.getLong(1) >> 20, r.getLong(3), r.getLong(4), (r.getLong(1) >> 20) / millions,
        (r.getLong(2) / 1048576.0) / millions));
    }
    return md.toString();
  }
}
