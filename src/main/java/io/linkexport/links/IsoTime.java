package io.linkexport.links;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * Timestamps as the API and the file write them: ISO-8601 UTC with exactly three fraction digits and {@code Z}, like
 * JavaScript's {@code toISOString()}, e.g. {@code 2025-03-04T05:06:07.123Z}. The byte form skips the formatter
 * (a list page writes about 300 of them). The file of an export with a {@code timezone} writes local times with
 * their offset ({@link #bytes(OffsetDateTime, ZoneId)}).
 */
public final class IsoTime {

  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
    .withZone(ZoneOffset.UTC);
  /** The most bytes {@link #into} writes: a year beyond 9999 with its sign, and an offset. */
  public static final int MAX_BYTES = 48;

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
    local(b, 0, u);
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
    if (t == null) {
      return null;
    }
    byte[] b = new byte[MAX_BYTES];
    return Arrays.copyOf(b, into(b, 0, t, zone));
  }

  /**
   * Writes {@link #bytes(OffsetDateTime, ZoneId)} of a non-null {@code t} into {@code b} from {@code at}, which must
   * have room for {@link #MAX_BYTES}, without an array of its own (an export writes two per row); answers how many
   * bytes it wrote.
   */
  public static int into(byte[] b, int at, OffsetDateTime t, ZoneId zone) {
    boolean utc = isUtc(zone);
    ZoneOffset offset = utc ? ZoneOffset.UTC : zone.getRules().getOffset(t.toInstant());
    OffsetDateTime u = t.withOffsetSameInstant(offset);
    String id = offset.getId();
    if (u.getYear() < 0 || u.getYear() > 9999 || !utc && id.length() != 6) {
      byte[] text = (utc ? format(t) : LOCAL.format(u)).getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(text, 0, b, at, text.length);
      return text.length;
    }
    local(b, at, u);
    if (utc) {
      b[at + 23] = 'Z';
      return 24;
    }
    for (int i = 0; i < 6; i++) {
      b[at + 23 + i] = (byte) id.charAt(i);
    }
    return 29;
  }

  /** {@code uuuu-MM-ddTHH:mm:ss.SSS} of {@code u} (its own offset) into b[at..at+23). */
  private static void local(byte[] b, int at, OffsetDateTime u) {
    int year = u.getYear();
    put2(b, at, year / 100);
    put2(b, at + 2, year % 100);
    b[at + 4] = '-';
    put2(b, at + 5, u.getMonthValue());
    b[at + 7] = '-';
    put2(b, at + 8, u.getDayOfMonth());
    b[at + 10] = 'T';
    put2(b, at + 11, u.getHour());
    b[at + 13] = ':';
    put2(b, at + 14, u.getMinute());
    b[at + 16] = ':';
    put2(b, at + 17, u.getSecond());
    b[at + 19] = '.';
    int ms = u.getNano() / 1_000_000;
    b[at + 20] = (byte) ('0' + ms / 100);
    put2(b, at + 21, ms % 100);
  }

  private static void put2(byte[] b, int at, int v) {
    b[at] = (byte) ('0' + v / 10);
    b[at + 1] = (byte) ('0' + v % 10);
  }
}
