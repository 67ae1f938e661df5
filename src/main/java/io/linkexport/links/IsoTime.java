package io.linkexport.links;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps as the API and the CSV write them: ISO-8601 UTC with exactly three fraction digits and {@code Z}, like
 * JavaScript's {@code toISOString()}, e.g. {@code 2025-03-04T05:06:07.123Z}. The byte form skips the formatter
 * (a list page writes about 300 of them).
 */
public final class IsoTime {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);

  private IsoTime() {
  }

  /** The text; null for null. */
  public static String format(OffsetDateTime t) {
    return t == null ? null : ISO.format(t.toInstant());
  }

  /**
   * The ASCII bytes of {@link #format} (24 of them for years 0-9999, built without the formatter); null for null.
   */
  public static byte[] bytes(OffsetDateTime t) {
    if (t == null) {
      return null;
    }
    OffsetDateTime u = t.withOffsetSameInstant(ZoneOffset.UTC);
    int year = u.getYear();
    if (year < 0 || year > 9999) {
      return format(t).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] b = new byte[24];
    put2(b, 0, year / 100);
    put2(b, 2, year % 100);
    b[4] = '-';
    put2(b, 5, u.getMonthValue());
    b[7] = '-';
    put2(b, 8, u.getDayOfMonth());
    b[10] = 'T';
    put2(b, 11, u.getHour());
    b[13] = ':';
    put2(b, 14, u.getMinute());
    b[16] = ':';
    put2(b, 17, u.getSecond());
    b[19] = '.';
    int ms = u.getNano() / 1_000_000;
    b[20] = (byte) ('0' + ms / 100);
    put2(b, 21, ms % 100);
    b[23] = 'Z';
    return b;
  }

  private static void put2(byte[] b, int at, int v) {
    b[at] = (byte) ('0' + v / 10);
    b[at + 1] = (byte) ('0' + v % 10);
  }
}
