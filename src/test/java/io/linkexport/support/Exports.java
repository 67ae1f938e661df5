package io.linkexport.support;

import io.linkexport.links.LinkFilter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Drives exports through the HTTP API the way the dashboard does, and reads their CSV back with a real parser. */
public final class Exports {

  private Exports() {
  }

  public static String base(UUID project) {
    return "/api/v1/projects/" + project + "/links/export";
  }

  /** Starts an export and answers its job id (asserts the 202). */
  public static String start(TestApp app, UUID project, String token, JsonObject filters) {
    TestApp.Res res = app.post(base(project), token, filters.encode());
    assertThat(res.status()).as(res.raw().body()).isEqualTo(202);
    assertThat(res.data().getString("status")).isEqualTo("pending");
    return res.data().getString("jobId");
  }

  /** Waits until the job is completed or failed, as its status endpoint says. */
  public static JsonObject await(TestApp app, UUID project, String token, String jobId, Duration timeout) {
    return Await.value("export " + jobId + " to finish", timeout, () -> {
      TestApp.Res res = app.get(base(project) + "/" + jobId, token);
      assertThat(res.status()).as(res.raw().body()).isEqualTo(200);
      String status = res.data().getString("status");
      return "completed".equals(status) || "failed".equals(status) ? res.data() : null;
    });
  }

  public static HttpResponse<byte[]> download(TestApp app, String url) {
    try {
      return app.http().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The CSV's records, header included, as lists of cells. */
  public static List<List<String>> parse(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    try (CSVParser parser = CSVParser.parse(new StringReader(text), CSVFormat.RFC4180)) {
      List<List<String>> out = new ArrayList<>();
      for (CSVRecord r : parser) {
        List<String> cells = new ArrayList<>();
        r.forEach(cells::add);
        out.add(cells);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Undoes the CSV-injection guard: a leading ' before a formula trigger character. */
  public static String unguard(String cell) {
    return io.linkexport.export.CsvEncoder.unguard(cell);
  }

  /**
   * Every link the list API returns for these filters, paging through all pages, as CSV-comparable rows. A list page
   * reaches at most the first {@link LinkFilter#MAX_LIST_DEPTH} links, so a longer list in the default order (newest
   * first) is read in windows, as the API's 400 advises: the next window asks for the links created at or before the
   * last one read (to the end of its millisecond: the JSON has milliseconds, the table microseconds) and skips those
   * already read, by id. Other orders cannot go past the depth.
   */
  public static List<List<String>> listRows(TestApp app, UUID project, String token, String query) {
    List<List<String>> rows = new ArrayList<>();
    for (JsonObject l : listLinks(app, project, token, query)) {
      List<String> r = new ArrayList<>();
      r.add(nz(l.getString("name")));
      r.add(l.getString("type"));
      r.add(l.getString("key"));
      r.add(l.getString("shortLink"));
      r.add(l.getString("createdAt"));
      r.add(String.valueOf(l.getLong("clicks")));
      r.add(String.valueOf(l.getLong("newInstalls")));
      r.add(String.valueOf(l.getLong("returningUsers")));
      r.add(String.valueOf(l.getLong("attributedClicks")));
      r.add(nz(l.getString("topDevice")));
      r.add(nz(l.getString("topOs")));
      r.add(nz(l.getString("topBrowser")));
      r.add(nz(l.getString("topCountry")));
      r.add(nz(l.getString("lastClicked")));
      rows.add(r);
    }
    return rows;
  }

  /** Every link the list API returns for these filters, paging through all pages (see {@link #listRows}). */
  public static List<JsonObject> listLinks(TestApp app, UUID project, String token, String query) {
    List<JsonObject> links = new ArrayList<>();
    Set<String> read = new HashSet<>();
    String window = "";
    String lastCreated = null;
    for (int page = 1; ; page++) {
      if (page * 100 > LinkFilter.MAX_LIST_DEPTH) {
        assertThat(query).as("only the default order is read past the list's depth")
          .doesNotContain("sortBy=").doesNotContain("sortOrder=").doesNotContain("createdBefore=");
        window = "createdBefore=" + Instant.parse(lastCreated).plusNanos(999_000) + "&";
        page = 1;
      }
      String sep = query.isEmpty() ? "?" : query + "&";
      TestApp.Res res = app.get("/api/v1/projects/" + project + "/links" + (query.isEmpty() ? "?" : sep) + window
        + "pageSize=100&page=" + page, token);
      assertThat(res.status()).as(res.raw().body()).isEqualTo(200);
      JsonArray data = res.json().getJsonArray("data");
      for (int i = 0; i < data.size(); i++) {
        JsonObject l = data.getJsonObject(i);
        lastCreated = l.getString("createdAt");
        if (read.add(l.getString("id"))) {
          links.add(l);
        }
      }
      if (!res.json().getJsonObject("meta").getBoolean("hasMore")) {
        return links;
      }
    }
  }

  /**
   * What a file holds for {@code column} of this link of the list API: the list's value as the text formats write
   * it (null as empty, tags as their names sorted and joined by "; ", timestamps as instants), or, for JSON Lines, as
   * a JSON value (tags as the array of names).
   */
  public static Object expected(JsonObject link, String column, boolean json) {
    Object v = link.getValue(column);
    if ("tags".equals(column)) {
      List<String> names = new ArrayList<>();
      link.getJsonArray("tags").forEach(t -> names.add(((JsonObject) t).getString("name")));
      names.sort(null);
      return json ? new JsonArray(new ArrayList<>(names)) : String.join("; ", names);
    }
    if (v instanceof String t && t.matches("\\d{4}-\\d\\d-\\d\\dT.*Z")) {
      return Instant.parse(t).toString();
    }
    return json ? v : v == null ? "" : String.valueOf(v);
  }

  /** A file's cell or value made comparable with {@link #expected}: timestamps as instants. */
  public static Object comparableCell(Object cell) {
    if (cell instanceof String t && t.matches("\\d{4}-\\d\\d-\\d\\dT.*Z")) {
      return Instant.parse(t).toString();
    }
    return cell;
  }

  /** The lowercase hex SHA-256 of the bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bytes of a gzip file, unpacked with the JDK's GZIPInputStream. */
  public static byte[] gunzip(byte[] gz) {
    try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The records of a text file (csv, csv-excel after its byte-order mark, tsv), header included, as cells. */
  public static List<List<String>> parse(byte[] body, char separator) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    try (CSVParser parser = CSVParser.parse(new StringReader(text), CSVFormat.RFC4180.builder()
      .setDelimiter(separator).get())) {
      List<List<String>> out = new ArrayList<>();
      for (CSVRecord r : parser) {
        List<String> cells = new ArrayList<>();
        r.forEach(cells::add);
        out.add(cells);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The objects of a JSON Lines file, one per line, read by Jackson (Vert.x's JsonObject). */
  public static List<JsonObject> parseJsonLines(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).as("JSON Lines end every line with \\n").satisfiesAnyOf(t -> assertThat(t).isEmpty(),
      t -> assertThat(t).endsWith("\n"));
    List<JsonObject> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        out.add(new JsonObject(line));
      }
    }
    return out;
  }

  /** A CSV data row made comparable with {@link #listRows}: guard undone, timestamps as instants. */
  public static List<String> comparable(List<String> csvRow) {
    List<String> r = new ArrayList<>(csvRow);
    r.replaceAll(Exports::unguard);
    for (int i : new int[] {4, 13}) {
      if (!r.get(i).isEmpty()) {
        r.set(i, Instant.parse(r.get(i)).toString());
      }
    }
    return r;
  }

  /** List API rows with timestamps normalised the same way. */
  public static List<List<String>> comparableList(List<List<String>> rows) {
    List<List<String>> out = new ArrayList<>();
    for (List<String> row : rows) {
      List<String> r = new ArrayList<>(row);
      for (int i : new int[] {4, 13}) {
        if (!r.get(i).isEmpty()) {
          r.set(i, Instant.parse(r.get(i)).toString());
        }
      }
      out.add(r);
    }
    return out;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
