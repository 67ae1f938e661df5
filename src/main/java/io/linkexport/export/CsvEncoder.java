package io.linkexport.export;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * The cells of the text formats ({@link DelimitedEncoder}), written straight into a {@link Buffer}: RFC 4180 with a
 * given separator (comma for CSV, tab for TSV), a field quoted (with {@code "} doubled) only when it contains the
 * separator, {@code "}, CR or LF, or when it is guarded. UTF-8 without a byte-order mark unless the format asks for one
 * (a BOM confuses many parsers and tools that read the file programmatically; csv-excel writes one for Excel).
 *
 * <p>Formula injection (OWASP "CSV Injection"): a text cell that starts with {@code =} {@code +} {@code -}
 * {@code @}, tab, CR or LF is prefixed with a single quote and quoted, so spreadsheets show it as text instead of
 * running it. So that the guard can always be undone, a cell whose leading run of single quotes is followed by a
 * trigger ({@code '=1}) is guarded too. A reader recovers the original exactly by {@link #unguard}: drop one
 * leading {@code '} when the cell is one or more {@code '} followed by a trigger. Numbers and timestamps are never
 * guarded.
 *
 * <p>Timestamps are ISO-8601 UTC with millisecond precision, e.g. {@code 2025-03-04T05:06:07.123Z} (always three
 * fraction digits, so the column sorts as text), written by {@code links.IsoTime} as everywhere else; an export with
 * a {@code timezone} writes them in that zone with their offset, {@code 2025-03-04T06:06:07.123+01:00}.
 *
 * <p>Hot path: no regex, no String.format; a row's cells are written into one {@link RowBytes}, with no array per
 * cell.
 */
public final class CsvEncoder {

  /** The header of the default columns ({@link ColumnSet#DEFAULT}), as the specification lists it. */
  public static final List<String> HEADER = ColumnSet.DEFAULT.headers();

  private CsvEncoder() {
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

  /** A CSV text cell: guarded against formulas, quoted when needed, null as empty. */
  public static void text(Buffer out, String s) {
    text(out, s, ',');
  }

  /** A text cell of a file separated by {@code separator} (the header line; rows go through {@link RowBytes}). */
  public static void text(Buffer out, String s, char separator) {
    RowBytes cell = new RowBytes(s == null ? 0 : s.length() * 3 + 4);
    text(cell, s, separator);
    cell.appendTo(out);
  }

  /** A text cell of a file separated by {@code separator}: guarded, quoted when needed, null as empty. */
  static void text(RowBytes out, String s, char separator) {
    if (s == null || s.isEmpty()) {
      return;
    }
    boolean guard = needsGuard(s);
    int shape = shape(s, separator);
    boolean quote = guard || (shape & NEEDS_QUOTES) != 0;
    if (!quote && (shape & NON_ASCII) == 0) {
      out.ascii(s);
      return;
    }
    if (quote) {
      out.put('"');
    }
    if (guard) {
      out.put('\'');
    }
    out.utf8(s, quote);
    if (quote) {
      out.put('"');
    }
  }

  private static final int NEEDS_QUOTES = 1;
  private static final int NON_ASCII = 2;

  /** One pass over the cell: does it hold a separator, quote or line break; does it hold non-ASCII text. */
  private static int shape(String s, char separator) {
    int shape = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c == separator || c == '"' || c == '\r' || c == '\n') {
        shape |= NEEDS_QUOTES;
      } else if (c >= 0x80) {
        shape |= NON_ASCII;
      }
    }
    return shape;
  }

}
