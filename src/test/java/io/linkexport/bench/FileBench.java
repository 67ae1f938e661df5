package io.linkexport.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The figures of issue 20 ("the file users want"), run by {@code bench/run.sh --only files} (and by a full run):
 * the default CSV against JSON Lines and CSV + gzip at 100,000 rows in the same run (alternating, medians); with
 * {@code --memory} (which seeds 1,000,000 links) the peak heap of a 1,000,000-row export at -Xmx64m per format, and a
 * 1,000,000-row {@code split=auto} export (10 files of 100,000) against ten 100,000-row exports one after another.
 * Every download is checked: its rows against the job's count, its SHA-256 against the job's.
 */
final class FileBench {

  /** The file options measured, by label: the default first (the others' ratios are to it). */
  static final Map<String, JsonObject> FORMATS = new LinkedHashMap<>();

  static {
    FORMATS.put("csv", new JsonObject());
    FORMATS.put("jsonl", new JsonObject().put("format", "jsonl"));
    FORMATS.put("csv+gzip", new JsonObject().put("compression", "gzip"));
    FORMATS.put("csv-excel", new JsonObject().put("format", "csv-excel"));
    FORMATS.put("tsv", new JsonObject().put("format", "tsv"));
    FORMATS.put("jsonl+gzip", new JsonObject().put("format", "jsonl").put("compression", "gzip"));
  }

  private FileBench() {
  }

  /** csv vs jsonl vs csv+gzip at one size, runs alternating so all medians sample the same minutes. */
  static String formats(Bench.Service service, Bench.Size s, int runs) throws Exception {
    List<String> measured = List.of("csv", "jsonl", "csv+gzip");
    Map<String, List<Bench.ExportResult>> results = new LinkedHashMap<>();
    measured.forEach(f -> results.put(f, new ArrayList<>()));
    // one unmeasured export per format first: the JIT compiles each encoder's path on its first export
    for (String f : measured) {
      export(service, s, FORMATS.get(f));
    }
    for (int i = 0; i < runs; i++) {
      for (String f : measured) {
        results.get(f).add(export(service, s, FORMATS.get(f)));
      }
    }
    long csv = Bench.median(results.get("csv"), Bench.ExportResult::processingMs);
    StringBuilder b = new StringBuilder("File formats at " + String.format("%,d", s.links()) + " rows (medians of "
      + runs + ", alternating; export = job started -> finished; issue 20: jsonl and csv+gzip within 1.5x of csv):\n\n"
      + "| format | bytes | export | /csv | peak heap |\n|---|---|---|---|---|\n");
    results.forEach((f, rs) -> {
      long ms = Bench.median(rs, Bench.ExportResult::processingMs);
      long peak = rs.stream().mapToLong(Bench.ExportResult::peakHeapBytes).max().orElse(0);
      b.append(String.format("| %s | %,d | %,d ms | **%.2f** | %.1f MiB |%n", f, rs.get(0).bytes(), ms,
        csv == 0 ? 0.0 : (double) ms / csv, peak / 1048576.0));
      System.out.printf("export %s %,d rows: %d ms%n", f, s.links(), ms);
    });
    return b.append('\n').toString();
  }

  /** One export of {@code million} (1,000,000 rows; 5,000 in the quick run) per format at -Xmx64m: flat memory. */
  static String memory(Bench.Service small, Bench.Size million) throws Exception {
    StringBuilder b = new StringBuilder("Memory per format: one " + String.format("%,d", million.links())
      + "-row export each, service at -Xmx64m:\n\n| format | bytes | export | peak heap |\n|---|---|---|---|\n");
    for (Map.Entry<String, JsonObject> f : FORMATS.entrySet()) {
      Bench.ExportResult r = export(small, million, f.getValue());
      b.append(String.format("| %s | %,d | %,d ms | %.1f MiB (-Xmx64m) |%n", f.getKey(), r.bytes(), r.processingMs(),
        r.peakHeapBytes() / 1048576.0));
      System.out.printf("export %s %,d rows at -Xmx64m: %d ms, peak heap %.1f MiB%n", f.getKey(), million.links(),
        r.processingMs(), r.peakHeapBytes() / 1048576.0);
    }
    return b.append('\n').toString();
  }

  /**
   * A split export of {@code million} on a service whose per-file cap is {@code hundredK}'s size, against as many
   * exports of {@code hundredK} one after another on the same service as fit in it (ten in the full run; issue 20:
   * within 1.2x).
   */
  static String split(Bench.Service capped, Bench.Size million, Bench.Size hundredK) throws Exception {
    // both paths warmed up on this fresh service first: its first export runs with a cold JIT
    export(capped, hundredK, new JsonObject());
    export(capped, hundredK, new JsonObject().put("split", "auto"));
    Bench.ExportResult split = export(capped, million, new JsonObject().put("split", "auto"));
    long n = million.links() / hundredK.links();
    long ten = 0;
    long peak = 0;
    for (int i = 0; i < n; i++) {
      Bench.ExportResult r = export(capped, hundredK, new JsonObject());
      ten += r.processingMs();
      peak = Math.max(peak, r.peakHeapBytes());
    }
    System.out.printf("split=auto %,d rows: %d ms; %d exports of %,d rows: %d ms%n", million.links(),
      split.processingMs(), n, hundredK.links(), ten);
    return String.format("Split at the cap (service at -Xmx64m, EXPORT_MAX_ROWS %,d; issue 20: split within 1.2x of the"
        + " %d exports one after another):%n%n| export | rows | bytes | time | peak heap |%n|---|---|---|---|---|%n"
        + "| split=auto | %,d | %,d | %,d ms | %.1f MiB |%n| %d x one file | %,d | - | %,d ms | %.1f MiB |%n"
        + "| split / one after another | | | **%.2f** | |%n%n",
      hundredK.links(), n, split.rows(), split.bytes(), split.processingMs(), split.peakHeapBytes() / 1048576.0,
      n, n * hundredK.links(), ten, peak / 1048576.0, ten == 0 ? 0.0 : (double) split.processingMs() / ten);
  }

  /** Starts an export with the bench's filter and these file options, waits for it, checks every file. */
  static Bench.ExportResult export(Bench.Service service, Bench.Size s, JsonObject options) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String api = service.api(s);
    JsonObject body = new JsonObject(Bench.EXPORT_FILTER).mergeIn(options);
    long t0 = System.nanoTime();
    HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(api + "/links/export"))
      .header("Authorization", "Bearer " + service.token).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 202) {
      throw new IllegalStateException("export start: " + started.statusCode() + " " + started.body());
    }
    String jobId = new JsonObject(started.body()).getJsonObject("data").getString("jobId");
    JsonObject job;
    do {
      Thread.sleep(20);
      job = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(api + "/links/export/" + jobId))
        .header("Authorization", "Bearer " + service.token).build(), HttpResponse.BodyHandlers.ofString()).body())
        .getJsonObject("data");
    } while (!"completed".equals(job.getString("status")) && !"failed".equals(job.getString("status")));
    long wallMs = (System.nanoTime() - t0) / 1_000_000;
    if (!"completed".equals(job.getString("status"))) {
      throw new IllegalStateException("export failed: " + job.encode());
    }
    long peak = service.heap.peakBytesSince(t0);
    JsonArray files = job.getJsonArray("files");
    long rows = 0;
    long bytes = 0;
    boolean gzip = "gzip".equals(job.getString("compression"));
    boolean json = "jsonl".equals(job.getString("format"));
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      if (files.size() > 1 && i == files.size() - 1) {
        break; // the manifest
      }
      long[] counted = download(http, f, gzip, json);
      if (counted[0] != f.getLong("rowCount")) {
        throw new IllegalStateException(f.getString("name") + " has " + counted[0] + " rows, the job says "
          + f.getLong("rowCount"));
      }
      rows += counted[0];
      bytes += counted[1];
    }
    if (rows != s.links()) {
      throw new IllegalStateException("the files hold " + rows + " rows, the project has " + s.links());
    }
    long processing = Duration.between(Instant.parse(job.getString("startedAt")),
      Instant.parse(job.getString("finishedAt"))).toMillis();
    return new Bench.ExportResult(rows, bytes, processing, wallMs, peak);
  }

  /** {data rows, bytes} of one file, streamed; fails unless its SHA-256 is the job's. */
  private static long[] download(HttpClient http, JsonObject f, boolean gzip, boolean json) throws Exception {
    HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create(f.getString("downloadUrl"))).build(),
      HttpResponse.BodyHandlers.ofInputStream());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    CountingStream raw = new CountingStream(new DigestInputStream(res.body(), sha));
    InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
    long[] counted = json ? countLines(in) : Bench.countCsv(in);
    String hex = HexFormat.of().formatHex(sha.digest());
    if (!hex.equals(f.getString("sha256")) || raw.count != f.getLong("bytes")) {
      throw new IllegalStateException(f.getString("name") + ": downloaded " + raw.count + " bytes, SHA-256 " + hex
        + "; the job says " + f.getLong("bytes") + ", " + f.getString("sha256"));
    }
    // a JSON Lines file has no header line
    return new long[] {json ? counted[0] : counted[0] - 1, raw.count};
  }

  /** {lines, bytes}: JSON escapes every newline inside a string, so each newline ends one object. */
  private static long[] countLines(InputStream in) throws java.io.IOException {
    long lines = 0;
    long bytes = 0;
    byte[] buf = new byte[1 << 16];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          lines += buf[i] == '\n' ? 1 : 0;
        }
      }
    }
    return new long[] {lines, bytes};
  }

  /** Counts the bytes read through it (the file's size as downloaded, before any gunzip). */
  private static final class CountingStream extends java.io.FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws java.io.IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws java.io.IOException {
      int n = super.read(b, off, len);
      count += Math.max(0, n);
      return n;
    }
  }
}
