package io.linkexport.mail;

import io.linkexport.db.SqlStatements;
import io.vertx.core.json.JsonObject;

import java.text.NumberFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the two job emails from the templates under {@code mail/}: "export ready" (download link valid 7 days,
 * dashboard link) and "export failed" (the user-facing reason). Values are HTML-escaped in the HTML part; anything
 * that goes into a header has control characters (CR/LF included) removed, so a project name cannot inject headers.
 */
public final class ExportMail {

  /** A rendered email. */
  public record Rendered(String subject, String text, String html) {
  }

  private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9.-]{1,253}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");
  /** A single plain address: no spaces, commas, angle brackets or control characters; one @. */
  private static final Pattern ADDRESS = Pattern.compile("^[^\\s@,;<>()\"\\\\\\p{Cntrl}]{1,64}@[A-Za-z0-9.-]{1,253}$");

  private ExportMail() {
  }

  public static Rendered ready(JsonObject payload, String downloadUrl, String dashboardUrl) {
    long rows = payload.getLong("rowCount", 0L);
    Map<String, String> values = Map.of(
      "rowCount", NumberFormat.getIntegerInstance(Locale.US).format(rows),
      "projectName", projectName(payload),
      "filename", String.valueOf(payload.getString("filename", "links.csv")),
      "downloadUrl", downloadUrl,
      "dashboardUrl", dashboardUrl);
    String subject = "Your links export is ready (" + values.get("rowCount") + (rows == 1 ? " link)" : " links)");
    return new Rendered(headerSafe(subject), fill("export_ready.txt", values, false),
      fill("export_ready.html", values, true));
  }

  public static Rendered failed(JsonObject payload, String dashboardUrl) {
    Map<String, String> values = Map.of(
      "projectName", projectName(payload),
      "error", String.valueOf(payload.getString("error", "The export could not be completed.")),
      "dashboardUrl", dashboardUrl);
    return new Rendered("Your links export failed", fill("export_failed.txt", values, false),
      fill("export_failed.html", values, true));
  }

  /**
   * The Message-ID of the job's one email, derived from the job ({@code <export-{jobId}@{domain of MAIL_FROM}>}): a
   * send repeated after a timeout (the first one may have arrived after all) carries the same id, so a receiving
   * server or mail client can drop the copy.
   */
  public static String messageId(UUID jobId, String from) {
    String domain = "localhost";
    int at = from == null ? -1 : from.lastIndexOf('@');
    if (at >= 0) {
      Matcher m = DOMAIN.matcher(from.substring(at + 1));
      if (m.lookingAt()) {
        domain = m.group();
      }
    }
    return "<export-" + jobId + "@" + domain + ">";
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
