package io.linkexport.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the cores go during an export or a COPY (issue 23): CPU time of Postgres (the postmaster, its live children
 * and the children it has reaped, which include every parallel worker and closed backend), of the service's JVM, and
 * of s3proxy (the Jetty threads of this JVM, named {@code S3Proxy-...}), read from /proc and the thread MX bean.
 * Linux only; resolution 10 ms (USER_HZ 100).
 */
final class CpuMeter {

  /** CPU milliseconds of each part, cumulative. */
  record Sample(long postgresMs, long serviceMs, long s3proxyMs) {
    Sample minus(Sample o) {
      return new Sample(postgresMs - o.postgresMs, serviceMs - o.serviceMs, s3proxyMs - o.s3proxyMs);
    }
  }

  private static final long MS_PER_TICK = 10;
  private final long postmaster;
  private final long service;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  CpuMeter(Path dataDir, long servicePid) throws IOException {
    this.postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("pg/postmaster.pid")).get(0).trim());
    this.service = servicePid;
  }

  Sample take() {
    long pg = ticks(postmaster, true);
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      pg += procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
        .mapToLong(p -> {
          String[] f = stat(Long.parseLong(p.getFileName().toString()));
          return f != null && Long.parseLong(f[1]) == postmaster ? Long.parseLong(f[11]) + Long.parseLong(f[12]) : 0;
        }).sum();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    long s3 = 0;
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("S3Proxy")) {
        s3 += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return new Sample(pg * MS_PER_TICK, ticks(service, false) * MS_PER_TICK, s3 / 1_000_000);
  }

  /**
   * CPU milliseconds of the service's live threads by kind, cumulative, for a printed breakdown of where the
   * service's share went. A kind is the thread's name as /proc keeps it (15 characters) without a trailing number, so
   * every event loop is "vert.x-eventloo" and every worker thread "vert.x-worker-t", each summed.
   */
  java.util.Map<String, Long> serviceThreads() {
    java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + service + "/task"))) {
      tasks.forEach(t -> {
        try {
          String comm = Files.readString(t.resolve("comm")).trim().replaceAll("[#-]?[0-9]+$", "");
          String s = Files.readString(t.resolve("stat"));
          String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
          byKind.merge(comm, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK, Long::sum);
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return byKind;
  }

  /** The growth of each kind between two {@link #serviceThreads} maps, largest first, without the unchanged. */
  static String growth(java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
    return after.entrySet().stream().map(e -> java.util.Map.entry(e.getKey(),
        e.getValue() - before.getOrDefault(e.getKey(), 0L))).filter(e -> e.getValue() > 0)
      .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
      .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
  }

  /** utime + stime of {@code pid} (and its reaped children's with {@code children}), in ticks. */
  private static long ticks(long pid, boolean children) {
    String[] f = stat(pid);
    if (f == null) {
      throw new IllegalStateException("no process " + pid);
    }
    long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return children ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
  }

  /**
   * The fields of /proc/pid/stat after the command name (which may hold spaces): [0] state, [1] ppid, ..., [11]
   * utime, [12] stime, [13] cutime, [14] cstime; null when the process is gone.
   */
  private static String[] stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return s.substring(s.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      return null;
    }
  }
}
