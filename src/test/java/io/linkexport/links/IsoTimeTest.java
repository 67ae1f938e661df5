package io.linkexport.links;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class IsoTimeTest {

  /** Verifies that the fast bytes and the formatter write the same UTC text, milliseconds always shown. */
  @Test
  void bytesAndTextAgreeInUtcWithMilliseconds() {
    for (String at : new String[] {"2025-03-04T07:06:07.1234+02:00", "0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z", "2024-02-29T12:00:00.05-11:30"}) {
      OffsetDateTime t = OffsetDateTime.parse(at);
      String text = IsoTime.format(t);
      assertThat(new String(IsoTime.bytes(t), StandardCharsets.US_ASCII)).as(at).isEqualTo(text).hasSize(24);
    }
    assertThat(IsoTime.format(OffsetDateTime.parse("2025-03-04T07:06:07.1234+02:00")))
      .isEqualTo("2025-03-04T05:06:07.123Z");
  }

  /** Verifies that years past 9999 keep the same shape (sign, milliseconds) instead of another format. */
  @Test
  void yearsPast9999UseTheSameShape() {
    OffsetDateTime far = OffsetDateTime.parse("+10000-01-01T00:00:00Z");
    assertThat(new String(IsoTime.bytes(far), StandardCharsets.US_ASCII)).isEqualTo(IsoTime.format(far))
      .isEqualTo("+10000-01-01T00:00:00.000Z");
    assertThat(IsoTime.bytes(null)).isNull();
    assertThat(IsoTime.format(null)).isNull();
  }

  /**
   * Verifies that a time in a zone is the local time with milliseconds and the offset in force at that instant, on
   * both sides of a DST change, with 45-minute offsets, and Z for UTC itself (also when named Etc/UTC).
   */
  @Test
  void zonedTimesCarryTheOffsetInForce() {
    OffsetDateTime winter = OffsetDateTime.parse("2026-11-05T08:12:33.12Z");
    assertThat(zoned(winter, "Europe/Berlin")).isEqualTo("2026-11-05T09:12:33.120+01:00");
    assertThat(zoned(OffsetDateTime.parse("2026-03-29T00:59:59.999Z"), "Europe/Berlin"))
      .isEqualTo("2026-03-29T01:59:59.999+01:00");
    assertThat(zoned(OffsetDateTime.parse("2026-03-29T01:00:00Z"), "Europe/Berlin"))
      .isEqualTo("2026-03-29T03:00:00.000+02:00");
    assertThat(zoned(winter, "Asia/Kathmandu")).isEqualTo("2026-11-05T13:57:33.120+05:45");
    assertThat(zoned(winter, "America/St_Johns")).isEqualTo("2026-11-05T04:42:33.120-03:30");
    assertThat(zoned(winter, "Europe/London")).isEqualTo("2026-11-05T08:12:33.120+00:00");
    assertThat(zoned(winter, "UTC")).isEqualTo("2026-11-05T08:12:33.120Z");
    assertThat(zoned(winter, "Etc/UTC")).isEqualTo("2026-11-05T08:12:33.120Z");
    assertThat(zoned(OffsetDateTime.parse("1960-01-01T00:00:00Z"), "Africa/Monrovia"))
      .as("an offset with seconds (Liberia until 1972)").isEqualTo("1959-12-31T23:15:30.000-00:44:30");
    for (String zone : java.time.ZoneId.getAvailableZoneIds()) {
      String text = zoned(winter, zone);
      assertThat(OffsetDateTime.parse(text).toInstant()).as(zone).isEqualTo(winter.toInstant());
    }
    assertThat(IsoTime.bytes(null, java.time.ZoneId.of("Europe/Berlin"))).isNull();
  }

  private static String zoned(OffsetDateTime t, String zone) {
    return new String(IsoTime.bytes(t, java.time.ZoneId.of(zone)), StandardCharsets.US_ASCII);
  }
}
