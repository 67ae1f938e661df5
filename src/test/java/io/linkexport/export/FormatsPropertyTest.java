package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random Unicode text survives every format and a real parser: Commons CSV for csv, csv-excel (after its BOM) and
 * tsv, once the guard and the Excel text formula are undone; Jackson (Vert.x's JsonObject) for jsonl, as is.
 */
class FormatsPropertyTest {

  private static final ColumnSet TEXT = ColumnSet.parse(new JsonArray().add("name").add("key").add("url")
    .add("externalId").add("utm_term"));

  @Provide
  Arbitrary<List<String>> cells() {
    Arbitrary<String> hostile = Arbitraries.strings().withChars("\",\r\n\t=+-@' ;é漢\u2028\u00a0\\\u0001\u007f0")
      .withCharRange('a', 'z').withCharRange('0', '9').ofMaxLength(30);
    Arbitrary<String> anyText = Arbitraries.strings().all().excludeChars('\0').ofMaxLength(40)
      .filter(s -> s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF));
    Arbitrary<String> digits = Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(20);
    return Arbitraries.oneOf(hostile, anyText, digits).injectNull(0.1).list().ofSize(5);
  }

  private static String encode(FileFormat f, List<String> cells) {
    Tuple row = Tuple.tuple();
    cells.forEach(row::addString);
    RowEncoder e = f.encoder(TEXT, Map.of());
    Buffer b = Buffer.buffer();
    e.start(b);
    e.row(row, b);
    return b.toString(StandardCharsets.UTF_8);
  }

  private static List<String> parse(String text, char separator) throws Exception {
    try (CSVParser p = CSVParser.parse(new StringReader(text), CSVFormat.RFC4180.builder().setDelimiter(separator)
      .get())) {
      List<CSVRecord> records = p.getRecords();
      assertThat(records).hasSize(2);
      List<String> out = new ArrayList<>();
      records.get(1).forEach(out::add);
      return out;
    }
  }

  private static List<String> expected(List<String> cells) {
    return cells.stream().map(c -> c == null ? "" : c).toList();
  }

  @Property(tries = 300)
  void everyTextFormatRoundTripsThroughCommonsCsv(@ForAll("cells") List<String> cells) throws Exception {
    assertThat(parse(encode(FileFormat.CSV, cells), ',').stream().map(CsvEncoder::unguard).toList())
      .isEqualTo(expected(cells));
    assertThat(parse(encode(FileFormat.TSV, cells), '\t').stream().map(CsvEncoder::unguard).toList())
      .isEqualTo(expected(cells));
    String excel = encode(FileFormat.CSV_EXCEL, cells);
    assertThat(excel).startsWith("\uFEFF");
    assertThat(parse(excel.substring(1), ',').stream().map(ExcelText::unwrap).map(CsvEncoder::unguard).toList())
      .isEqualTo(expected(cells));
  }

  @Property(tries = 300)
  void jsonLinesRoundTripThroughJackson(@ForAll("cells") List<String> cells) {
    String line = encode(FileFormat.JSONL, cells);
    assertThat(line).endsWith("\n").doesNotContain("\r");
    assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
    JsonObject back = new JsonObject(line);
    assertThat(TEXT.ids().stream().map(back::getString).toList()).isEqualTo(cells);
  }
}
