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
}
