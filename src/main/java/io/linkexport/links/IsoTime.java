package io.linkexport.links;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps as the API and the file write them: ISO-8601 UTC with exactly three fraction digits and {@code Z}, like
 * JavaScript's {@code toISOString()}, e.g. {@code 2025-03-04T05:06:07.123Z}. The byte form skips the formatter
 * (a list page writes about 300 of them). The file of an export with a {@code timezone} writes local times with
 * their offset ({@link #bytes(OffsetDateTime, ZoneId)}).
 */
public final class IsoTime {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxxxxx");

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
    if (u.getYear() < 0 || u.getYear() > 9999) {
      return format(t).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] b = new byte[24];
    local(b, u);
    b[23] = 'Z';
    return b;
  }

  /** True when {@code zone} is UTC itself (UTC, Etc/UTC, GMT...): its times are written with {@code Z}. */
  private static boolean isUtc(ZoneId zone) {
    return zone.normalized().equals(ZoneOffset.UTC);
  }

  /**
   * The time in {@code zone}, as the export file writes it: {@link #bytes(OffsetDateTime)} in UTC, else the local
   * time with milliseconds and the offset in force at that instant, {@code 2026-11-05T09:12:33.120+01:00} (a zone
   * such as Europe/London writes {@code +00:00} in winter: it is not UTC, and the offset says which side of a change
   * a time is on). Null for null.
   */
  public static byte[] bytes(OffsetDateTime t, ZoneId zone) {
    if (t == null || isUtc(zone)) {
      return bytes(t);
    }
    ZoneOffset offset = zone.getRules().getOffset(t.toInstant());
    OffsetDateTime u = t.withOffsetSameInstant(offset);
    String id = offset.getId();
    if (u.getYear() < 0 || u.getYear() > 9999 || id.length() != 6) {
      return LOCAL.format(u).getBytes(StandardCharsets.US_ASCII);
    }
    byte[] b = new byte[29];
    local(b, u);
    for (int i = 0; i < 6; i++) {
      b[23 + i] = (byte) id.charAt(i);
    }
    return b;
  }

  /** {@code uuuu-MM-ddTHH:mm:ss.SSS} of {@code u} (its own offset) into b[0..23). */
  private static void local(byte[] b, OffsetDateTime u) {
    int year = u.getYear();
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
  }

  private static void put2(byte[] b, int at, int v) {
    b[at] = (byte) ('0' + v / 10);
    b[at + 1] = (byte) ('0' + v % 10);
  }
}
