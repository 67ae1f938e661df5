package io.linkexport.export;

import io.linkexport.links.IsoTime;
import io.vertx.core.buffer.Buffer;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * RFC 4180 CSV for the export, written straight into a {@link Buffer}: comma separated, CRLF line ends, UTF-8
 * without a byte-order mark (a BOM confuses many parsers and tools that read the file programmatically; Excel, Numbers
 * and Google Sheets detect UTF-8 on import), a field quoted (with {@code "} doubled) only when it contains
 * {@code ,} {@code "} CR or LF, or when it is guarded.
 *
 * <p>Formula injection (OWASP "CSV Injection"): a text cell that starts with {@code =} {@code +} {@code -}
 * {@code @}, tab, CR or LF is prefixed with a single quote and quoted, so spreadsheets show it as text instead of
 * running it. So that the guard can always be undone, a cell whose leading run of single quotes is followed by a
 * trigger ({@code '=1}) is guarded too. A reader recovers the original exactly by {@link #unguard}: drop one
 * leading {@code '} when the cell is one or more {@code '} followed by a trigger. Numbers and timestamps are never
 * guarded.
 *
 * <p>Timestamps are ISO-8601 UTC with millisecond precision, e.g. {@code 2025-03-04T05:06:07.123Z} (always three
 * fraction digits, so the column sorts as text). Short URL is {@code https://{domain}/{slug}}.
 *
 * <p>Hot path: no regex, no String.format, ASCII written byte by byte, other text encoded once per cell.
 */
public final class CsvEncoder {

  public static final List<String> HEADER = List.of("Name", "Type", "Slug", "Short URL", "Created At", "Clicks",
    "New Installs", "Returning Users", "Attributed Clicks", "Top Device", "Top OS", "Top Browser", "Top Country",
    "Last Clicked At");

  private static final byte[] HEADER_BYTES = (String.join(",", HEADER) + "\r\n").getBytes(
    java.nio.charset.StandardCharsets.US_ASCII);

  public void header(Buffer out) {
    out.appendBytes(HEADER_BYTES);
  }

  public void row(ExportRow r, Buffer out) {
    text(out, r.name());
    out.appendByte((byte) ',');
    text(out, r.type());
    out.appendByte((byte) ',');
    text(out, r.slug());
    out.appendByte((byte) ',');
    shortUrl(out, r.domain(), r.slug());
    out.appendByte((byte) ',');
    timestamp(out, r.createdAt());
    out.appendByte((byte) ',');
    number(out, r.clicks());
    out.appendByte((byte) ',');
    number(out, r.newInstalls());
    out.appendByte((byte) ',');
    number(out, r.returningUsers());
    out.appendByte((byte) ',');
    number(out, r.attributedClicks());
    out.appendByte((byte) ',');
    text(out, r.topDevice());
    out.appendByte((byte) ',');
    text(out, r.topOs());
    out.appendByte((byte) ',');
    text(out, r.topBrowser());
    out.appendByte((byte) ',');
    text(out, r.topCountry());
    out.appendByte((byte) ',');
    timestamp(out, r.lastClickedAt());
    out.appendByte((byte) '\r').appendByte((byte) '\n');
  }

  /** True when a spreadsheet would treat a cell starting with {@code c} as a formula. */
  public static boolean isTrigger(char c) {
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\n';
  }

  /** True when the cell, after any leading single quotes, starts with a trigger. */
  static boolean needsGuard(String s) {
    int i = 0;
    while (i < s.length() && s.charAt(i) == '\'') {
      i++;
    }
    return i < s.length() && isTrigger(s.charAt(i));
  }

  /** The inverse of the guard, for readers of the file (and tests). */
  public static String unguard(String cell) {
    return cell.length() >= 2 && cell.charAt(0) == '\'' && needsGuard(cell.substring(1)) ? cell.substring(1) : cell;
  }

  /** A text cell: guarded against formulas, quoted when needed, null as empty. */
  public static void text(Buffer out, String s) {
    if (s == null || s.isEmpty()) {
      return;
    }
    boolean guard = needsGuard(s);
    int shape = shape(s);
    boolean quote = guard || (shape & NEEDS_QUOTES) != 0;
    boolean ascii = (shape & NON_ASCII) == 0;
    if (!quote && ascii) {
      appendAscii(out, s);
    } else {
      escaped(out, s, quote, guard, ascii);
    }
  }

  private static final int NEEDS_QUOTES = 1;
  private static final int NON_ASCII = 2;

  /** One pass over the cell: does it hold a separator, quote or line break; does it hold non-ASCII text. */
  private static int shape(String s) {
    int shape = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == ',' || c == '"' || c == '\r' || c == '\n') {
        shape |= NEEDS_QUOTES;
      } else if (c >= 0x80) {
        shape |= NON_ASCII;
      }
    }
    return shape;
  }

  private static void escaped(Buffer out, String s, boolean quote, boolean guard, boolean ascii) {
    if (quote) {
      out.appendByte((byte) '"');
    }
    if (guard) {
      out.appendByte((byte) '\'');
    }
    String body = quote && s.indexOf('"') >= 0 ? s.replace("\"", "\"\"") : s;
    if (ascii) {
      appendAscii(out, body);
    } else {
      out.appendString(body, "UTF-8");
    }
    if (quote) {
      out.appendByte((byte) '"');
    }
  }

  /** {@code https://{domain}/{slug}}: host names are ASCII; a slug may need quoting, so it goes through text(). */
  static void shortUrl(Buffer out, String domain, String slug) {
    if (domain == null || slug == null) {
      return;
    }
    text(out, "https://" + domain + "/" + slug);
  }

  public static void number(Buffer out, long n) {
    if (n >= 0 && n < 10) {
      out.appendByte((byte) ('0' + n));
      return;
    }
    appendAscii(out, Long.toString(n));
  }

  /** ISO-8601 UTC, milliseconds, {@code Z}; null as empty. */
  public static void timestamp(Buffer out, OffsetDateTime t) {
    if (t == null) {
      return;
    }
    out.appendBytes(IsoTime.bytes(t));
  }

  private static void appendAscii(Buffer out, String s) {
    int n = s.length();
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) s.charAt(i);
    }
    out.appendBytes(b);
  }
}
