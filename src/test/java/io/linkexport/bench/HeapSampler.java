package io.linkexport.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Samples another JVM's used heap every 50 ms with {@code jstat -gc} (S0U + S1U + EU + OU) for as long as that JVM
 * runs, so a window (one export) can ask for its peak afterwards. The service runs in its own process: this is the
 * service's heap only, including garbage not yet collected (so it is an upper bound of what the export holds).
 */
final class HeapSampler implements AutoCloseable {

  private record Sample(long nanos, long usedKb) {
  }

  private final Process jstat;
  private final ConcurrentLinkedDeque<Sample> samples = new ConcurrentLinkedDeque<>();

  private HeapSampler(Process jstat) {
    this.jstat = jstat;
    Thread reader = new Thread(this::read, "heap-sampler");
    reader.setDaemon(true);
    reader.start();
  }

  static HeapSampler start(long pid) throws Exception {
    String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
    return new HeapSampler(new ProcessBuilder(jstat, "-gc", String.valueOf(pid), "50")
      .redirectErrorStream(true).start());
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
      String[] header = null;
      for (String line; (line = r.readLine()) != null; ) {
        String[] cols = line.trim().split("\\s+");
        if (cols.length > 0 && cols[0].equals("S0C")) {
          header = cols;
          continue;
        }
        if (header == null || cols.length != header.length) {
          continue;
        }
        double used = 0;
        for (int i = 0; i < header.length; i++) {
          if (header[i].equals("S0U") || header[i].equals("S1U") || header[i].equals("EU") || header[i].equals("OU")) {
            used += Double.parseDouble(cols[i].replace(',', '.'));
          }
        }
        samples.add(new Sample(System.nanoTime(), (long) used));
      }
    } catch (Exception ignored) {
      // jstat ended
    }
  }

  /** The highest used heap seen from {@code nanos} (a System.nanoTime) until now. */
  long peakBytesSince(long nanos) throws InterruptedException {
    Thread.sleep(120); // one more sample after the window
    long peak = 0;
    for (Sample s : samples) {
      if (s.nanos >= nanos) {
        peak = Math.max(peak, s.usedKb);
      }
    }
    if (samples.isEmpty()) {
      throw new IllegalStateException("jstat gave no samples");
    }
    return peak * 1024;
  }

  @Override
  public void close() {
    jstat.destroy();
  }
}
