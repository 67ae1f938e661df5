package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CsvEncoderTest {

  /** The default columns as CSV: the file every export wrote before columns and formats could be chosen. */
  private final RowEncoder encoder = FileFormat.CSV.encoder(ColumnSet.DEFAULT, Map.of());

  /**
   * A row of {@code sql/links_export.sql} with the default columns, as the cursor gives it: the short URL is built in
   * the select list ({@code 'https://' || domain || '/' || slug}, null when either is), the counts are bigints.
   */
  static Tuple row(String name, String type, String slug, String domain, OffsetDateTime createdAt, long clicks,
                   long newInstalls, long returningUsers, long attributedClicks, String device, String os,
                   String browser, String country, OffsetDateTime lastClicked) {
    String shortUrl = domain == null || slug == null ? null : "https://" + domain + "/" + slug;
    return Tuple.tuple().addString(name).addString(type).addString(slug).addString(shortUrl).addOffsetDateTime(createdAt)
      .addLong(clicks).addLong(newInstalls).addLong(returningUsers).addLong(attributedClicks).addString(device)
      .addString(os).addString(browser).addString(country).addOffsetDateTime(lastClicked);
  }

  static String text(String s) {
    Buffer b = Buffer.buffer();
    CsvEncoder.text(b, s);
    return b.toString("UTF-8");
  }

  @Test
  void headerIsExactlyTheSpecifiedColumns() {
    Buffer b = Buffer.buffer();
    encoder.start(b);
    assertThat(b.toString("UTF-8")).isEqualTo("Name,Type,Slug,Short URL,Created At,Clicks,New Installs,Returning Users,"
      + "Attributed Clicks,Top Device,Top OS,Top Browser,Top Country,Last Clicked At\r\n");
  }

  @Test
  void encodesARowByteExactly() {
    Buffer b = Buffer.buffer();
    encoder.row(row("Spring, \"sale\"", "dynamic", "spring", "dub.sh",
      OffsetDateTime.parse("2025-03-04T07:06:07.123456+02:00"), 12, 3, 1, 2, "iPhone", "iOS", "Safari", "US", null), b);
    assertThat(b.toString("UTF-8")).isEqualTo("\"Spring, \"\"sale\"\"\",dynamic,spring,https://dub.sh/spring,"
      + "2025-03-04T05:06:07.123Z,12,3,1,2,iPhone,iOS,Safari,US,\r\n");
  }

  @Test
  void nullsAreEmptyCellsAndNumbersArePlain() {
    Buffer b = Buffer.buffer();
    encoder.row(row(null, "unified", "k", "go.acme.com", OffsetDateTime.parse("2025-01-01T00:00:00Z"),
      1234567890123L, 0, 0, 0, null, null, null, null, OffsetDateTime.parse("2025-01-02T00:00:00Z")), b);
    assertThat(b.toString("UTF-8")).isEqualTo(",unified,k,https://go.acme.com/k,2025-01-01T00:00:00.000Z,"
      + "1234567890123,0,0,0,,,,,2025-01-02T00:00:00.000Z\r\n");
  }

  @Test
  void guardsFormulaTriggersPerOwasp() {
    assertThat(text("=1+2")).isEqualTo("\"'=1+2\"");
    assertThat(text("+1")).isEqualTo("\"'+1\"");
    assertThat(text("-5 off")).isEqualTo("\"'-5 off\"");
    assertThat(text("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
    assertThat(text("\tx")).isEqualTo("\"'\tx\"");
    assertThat(text("\rx")).isEqualTo("\"'\rx\"");
    assertThat(text("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
    assertThat(text("a=b")).isEqualTo("a=b");
    assertThat(text("'quoted")).isEqualTo("'quoted");
    assertThat(text("'=1")).isEqualTo("\"''=1\"");
    assertThat(CsvEncoder.unguard("''=1")).isEqualTo("'=1");
    assertThat(CsvEncoder.unguard("'quoted")).isEqualTo("'quoted");
  }

  @Test
  void quotesOnlyWhenNeededAndKeepsUnicode() {
    assertThat(text("plain")).isEqualTo("plain");
    assertThat(text("Línea 🚀")).isEqualTo("Línea 🚀");
    assertThat(text("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(text("a\r\nb")).isEqualTo("\"a\r\nb\"");
  }

  @Test
  void aHundredThousandRowsParseBackWithARealParser() throws Exception {
    Buffer b = Buffer.buffer();
    encoder.start(b);
    long t0 = System.nanoTime();
    for (int i = 0; i < 100_000; i++) {
      encoder.row(row("Link " + i + (i % 3 == 0 ? ", with comma" : ""), "dynamic", "s" + i, "dub.sh",
        OffsetDateTime.parse("2025-01-01T00:00:00Z").plusSeconds(i), i, i % 7, i % 5, i % 3, "iPhone", "iOS",
        "Safari", "US", null), b);
    }
    System.out.printf("encoded 100,000 rows (%d bytes) in %d ms%n", b.length(), (System.nanoTime() - t0) / 1_000_000);
    try (CSVParser p = CSVParser.parse(new StringReader(b.toString("UTF-8")), CSVFormat.RFC4180)) {
      List<CSVRecord> records = p.getRecords();
      assertThat(records).hasSize(100_001);
      assertThat(records.get(100_000).get(0)).isEqualTo("Link 99999, with comma");
      assertThat(records.get(100_000).get(4)).isEqualTo("2025-01-02T03:46:39.000Z");
      List<String> header = new ArrayList<>();
      records.get(0).forEach(header::add);
      assertThat(header).isEqualTo(CsvEncoder.HEADER);
    }
  }
}
