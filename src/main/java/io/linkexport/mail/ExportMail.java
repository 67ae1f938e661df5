package io.linkexport.mail;

import io.linkexport.db.SqlStatements;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the job emails from the templates under {@code mail/}: "export ready" (download link valid 7 days, the
 * file's size and SHA-256, dashboard link), "export ready" of a split export (the files with their sizes and
 * SHA-256 listed, and one link: the dashboard, where each file has its own download; not a dozen bearer links in a
 * mailbox), and "export failed" (the user-facing reason). Values are HTML-escaped in the HTML part; anything
 * that goes into a header has control characters (CR/LF included) removed, so a project name cannot inject headers.
 */
public final class ExportMail {

  /** A rendered email. */
  public record Rendered(String subject, String text, String html) {
  }

  private static final String FILES_MARKER = "@@FILES@@";
  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9.-]{1,253}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
  /** A single plain address: no spaces, commas, angle brackets or control characters; one @. */
  private static final Pattern ADDRESS = Pattern.compile("^[^\\s@,;<>()\"\\\\\\p{Cntrl}]{1,64}@[A-Za-z0-9.-]{1,253}$");

  private ExportMail() {
  }

  public static Rendered ready(JsonObject payload, String downloadUrl, String dashboardUrl) {
    long rows = payload.getLong("rowCount", 0L);
    Map<String, String> values = Map.of(
      "rowCount", count(rows),
      "projectName", projectName(payload),
      "filename", String.valueOf(payload.getString("filename", "links.csv")),
      "size", size(payload.getLong("bytes")),
      "sha256", String.valueOf(payload.getString("sha256", "(not recorded)")),
      "downloadUrl", downloadUrl,
      "dashboardUrl", dashboardUrl,
      "period", payload.getString("period", ""));
    return new Rendered(subject(rows), fill("export_ready.txt", values, false),
      fill("export_ready.html", values, true));
  }

  /** Whether the payload is a split export's (several files: the email links the dashboard). */
  public static boolean split(JsonObject payload) {
    JsonArray files = payload.getJsonArray("files");
    return files != null && files.size() > 1;
  }

  /**
   * A split export's email: every file with its rows, size and SHA-256 (the manifest last), and the dashboard's page
   * of the project ({@code #project=<id>}), where each file has its own fresh download link.
   */
  public static Rendered readySplit(JsonObject payload, String dashboardUrl) {
    long rows = payload.getLong("rowCount", 0L);
    JsonArray files = payload.getJsonArray("files");
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder();
    for (int i = 0; i < files.size(); i++) {
      JsonObject f = files.getJsonObject(i);
      String name = String.valueOf(f.getString("name"));
      String line = count(f.getLong("rowCount", 0L)) + " links, " + size(f.getLong("bytes")) + ", SHA-256 "
        + f.getString("sha256");
      text.append("  ").append(name).append(": ").append(line).append('\n');
      html.append("<li><strong>").append(escapeHtml(name)).append("</strong>: ").append(escapeHtml(line))
        .append("</li>");
    }
    String link = dashboardUrl.replaceAll("/+$", "") + "/#project=" + payload.getString("projectId", "");
    // the list is rendered here (escaped line by line in the HTML part): the template gets a marker for it
    Map<String, String> values = Map.of("rowCount", count(rows), "projectName", projectName(payload),
      "fileCount", String.valueOf(files.size()), "dashboardUrl", link, "files", FILES_MARKER,
      "period", payload.getString("period", "").strip());
    return new Rendered(subject(rows), fill("export_ready_split.txt", values, false).replace(FILES_MARKER, text),
      fill("export_ready_split.html", values, true).replace(FILES_MARKER, html));
  }

  private static String subject(long rows) {
    return headerSafe("Your links export is ready (" + count(rows) + (rows == 1 ? " link)" : " links)"));
  }

  private static String count(long n) {
    return NumberFormat.getIntegerInstance(Locale.US).format(n);
  }

  /** {@code 18,110,340 bytes (17.3 MiB)}. */
  static String size(Long bytes) {
    if (bytes == null) {
      return "size not recorded";
    }
    return count(bytes) + " bytes" + (bytes < 1024 * 1024 ? "" : String.format(Locale.US, " (%.1f MiB)",
      bytes / 1048576.0));
  }

  public static Rendered failed(JsonObject payload, String dashboardUrl) {
    Map<String, String> values = Map.of(
      "projectName", projectName(payload),
      "error", String.valueOf(payload.getString("error", "The export could not be completed.")),
      "dashboardUrl", dashboardUrl);
    return new Rendered("Your links export failed", fill("export_failed.txt", values, false),
      fill("export_failed.html", values, true));
  }

  /** The email to a project's owners when one of its webhooks was disabled after a day of failed deliveries. */
  public static Rendered webhookDisabled(JsonObject payload, String dashboardUrl) {
    Map<String, String> values = Map.of(
      "projectName", projectName(payload),
      "url", String.valueOf(payload.getString("url", "")),
      "reason", String.valueOf(payload.getString("reason", "")),
      "dashboardUrl", dashboardUrl.replaceAll("/+$", "") + "/#project=" + payload.getString("projectId", ""));
    return new Rendered(headerSafe("A webhook of " + projectName(payload) + " was disabled"),
      fill("webhook_disabled.txt", values, false), fill("webhook_disabled.html", values, true));
  }

  /**
   * The Message-ID of the job's one email, derived from the job ({@code <export-{jobId}@{domain of MAIL_FROM}>}): a
   * send repeated after a timeout (the first one may have arrived after all) carries the same id, so a receiving
   * server or mail client can drop the copy.
   */
  public static String messageId(UUID jobId, String from) {
    return messageId("export-" + jobId, from);
  }

  /** The Message-ID {@code <{key}@{domain of MAIL_FROM}>} of an email with that stable key. */
  public static String messageId(String key, String from) {
    String domain = "localhost";
    int at = from == null ? -1 : from.lastIndexOf('@');
    if (at >= 0) {
      Matcher m = DOMAIN.matcher(from.substring(at + 1));
      if (m.lookingAt()) {
        domain = m.group();
      }
    }
    return "<" + key + "@" + domain + ">";
  }

  /** Removes every control character (CR, LF, NUL, ...) and trims: safe in a header. */
  public static String headerSafe(String s) {
    return s == null ? "" : s.replaceAll("\\p{Cntrl}", " ").strip();
  }

  /** True when {@code recipient} is one plausible address (nothing a header could be smuggled through). */
  public static boolean plausibleAddress(String recipient) {
    return recipient != null && recipient.length() <= 320 && ADDRESS.matcher(recipient).matches();
  }

  private static String projectName(JsonObject payload) {
    String name = payload.getString("projectName");
    return name == null || name.isBlank() ? "your project" : headerSafe(name);
  }

  private static String fill(String template, Map<String, String> values, boolean html) {
    String text = SqlStatements.resource("mail/" + template);
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 256);
    while (m.find()) {
      String v = values.getOrDefault(m.group(1), "");
      m.appendReplacement(out, Matcher.quoteReplacement(html ? escapeHtml(v) : v));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String escapeHtml(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
