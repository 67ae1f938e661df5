package io.linkexport.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Samples another JVM's used heap every 100 ms with {@code jstat -gc} (S0U + S1U + EU + OU) and keeps the peak. The
 * service runs in its own process, so this is the service's heap only.
 */
final class HeapSampler implements AutoCloseable {

  private final Process jstat;
  private final Thread reader;
  private volatile long peakKb;

  private HeapSampler(Process jstat) {
    this.jstat = jstat;
    this.reader = new Thread(this::read, "heap-sampler");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  static HeapSampler start(long pid) throws Exception {
    String jstat = Path.of(System.getProperty("java.home"), "bin", "jstat").toString();
    return new HeapSampler(new ProcessBuilder(jstat, "-gc", String.valueOf(pid), "100").redirectErrorStream(true).start());
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
            used += Double.parseDouble(cols[i]);
          }
        }
        peakKb = Math.max(peakKb, (long) used);
      }
    } catch (Exception ignored) {
      // jstat ended
    }
  }

  long peakBytes() {
    return peakKb * 1024;
  }

  @Override
  public void close() {
    jstat.destroy();
  }
}
