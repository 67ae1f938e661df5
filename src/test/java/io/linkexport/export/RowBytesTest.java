package io.linkexport.export;

import io.linkexport.links.IsoTime;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RowBytesTest {

  private static byte[] written(RowBytes r) {
    Buffer b = Buffer.buffer();
    r.appendTo(b);
    return b.getBytes();
  }

  /**
   * Verifies that text is the bytes {@code String.getBytes(UTF_8)} gives, for random text of ASCII, two- and
   * three-byte characters, pairs of surrogates and unpaired ones ({@code ?}), with and without quotes doubled.
   */
  @Test
  void textIsExactlyTheJdksUtf8() {
    Random random = new Random(42);
    char[] alphabet = {'a', 'Z', '"', ',', '\n', 'é', 'ß', 'ü', '€', '中', '\uD83D', '\uDE00', '\uDBFF', '\uDFFF',
      '\u07FF', '\u0800', '\uFFFF', '\u0080', '\u007F'};
    RowBytes r = new RowBytes(1);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(12); i > 0; i--) {
        s.append(alphabet[random.nextInt(alphabet.length)]);
      }
      String text = s.toString();
      assertThat(written(r.clear().utf8(text, false))).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
      assertThat(written(r.clear().utf8(text, true))).as(text)
        .isEqualTo(text.replace("\"", "\"\"").getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Verifies that numbers are Long.toString's digits, at the edges and at random. */
  @Test
  void numbersAreTheirDecimalDigits() {
    Random random = new Random(7);
    RowBytes r = new RowBytes(1);
    long[] edges = {0, 1, 9, 10, 99, 100, -1, -9, -10, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1,
      1_000_000_000_000L};
    for (long n : edges) {
      assertThat(new String(written(r.clear().number(n)), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(n));
    }
    for (int i = 0; i < 10_000; i++) {
      long n = random.nextLong() >> random.nextInt(64);
      assertThat(new String(written(r.clear().number(n)), StandardCharsets.US_ASCII)).isEqualTo(Long.toString(n));
    }
  }

  /** Verifies that a timestamp after other cells is IsoTime's bytes, and that a row grows past its first array. */
  @Test
  void timesFollowWhatIsWrittenAndRowsGrow() {
    OffsetDateTime t = OffsetDateTime.parse("2026-11-05T08:12:33.12Z");
    RowBytes r = new RowBytes(1).ascii("x,");
    r.time(t, ZoneId.of("Asia/Kathmandu")).put(',').time(null, ZoneId.of("UTC")).put(',')
      .time(OffsetDateTime.parse("+10000-01-01T00:00:00Z"), ZoneId.of("UTC"));
    assertThat(new String(written(r), StandardCharsets.US_ASCII))
      .isEqualTo("x,2026-11-05T13:57:33.120+05:45,,+10000-01-01T00:00:00.000Z");
    StringBuilder expected = new StringBuilder();
    r.clear();
    for (int i = 0; i < 500; i++) {
      r.time(t, ZoneId.of("UTC")).put(';');
      expected.append(new String(IsoTime.bytes(t), StandardCharsets.US_ASCII)).append(';');
    }
    assertThat(r.length()).isEqualTo(expected.length());
    assertThat(new String(written(r), StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
  }

  /** Verifies that a row grown past KEEP by one huge cell is let go at the next row; a usual row keeps its array. */
  @Test
  void aHugeRowIsNotHeldForTheRestOfTheExport() {
    RowBytes r = new RowBytes(512);
    r.clear().ascii("x".repeat(10_000));
    assertThat(r.clear().capacity()).as("grown within KEEP: kept").isGreaterThanOrEqualTo(10_000);
    r.ascii("y".repeat(RowBytes.KEEP + 1));
    assertThat(r.capacity()).isGreaterThan(RowBytes.KEEP);
    assertThat(r.clear().capacity()).as("past KEEP: let go").isEqualTo(512);
    assertThat(written(r.ascii("after"))).isEqualTo("after".getBytes(StandardCharsets.US_ASCII));
  }
}
