package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Random Unicode text survives the encoder and a real RFC 4180 parser, byte for byte once the guard is undone. */
class CsvEncoderPropertyTest {

  @Provide
  Arbitrary<List<String>> cells() {
    Arbitrary<String> hostile = Arbitraries.strings()
      .withChars("\",\r\n\t=+-@' ;é漢\u2028\u00a0")
      .withCharRange('a', 'z')
      .ofMaxLength(30);
    Arbitrary<String> anyText = Arbitraries.strings().all().excludeChars('\0').ofMaxLength(40)
      .filter(s -> s.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF));
    Arbitrary<String> emoji = Arbitraries.of("🚀", "👩‍💻", "🇩🇪", "𝔘𝔫𝔦").list().ofMaxSize(4).map(l -> String.join("", l));
    return Arbitraries.oneOf(hostile, anyText, emoji).list().ofMinSize(1).ofMaxSize(14);
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().forEach(cp -> b.append(cp < 0x20 || cp > 0x7e ? String.format("\\u%04x", cp) : String.valueOf((char) cp)));
    return b.toString();
  }

  @Property(tries = 500)
  void randomCellsRoundTrip(@ForAll("cells") List<String> cells) throws Exception {
    Buffer b = Buffer.buffer();
    b.appendString("id");
    for (String cell : cells) {
      b.appendByte((byte) ',');
      CsvEncoder.text(b, cell);
    }
    b.appendString("\r\n");
    try (CSVParser p = CSVParser.parse(new StringReader(b.toString("UTF-8")), CSVFormat.RFC4180)) {
      List<CSVRecord> records = p.getRecords();
      assertThat(records).hasSize(1);
      List<String> back = new ArrayList<>();
      records.get(0).forEach(back::add);
      assertThat(back.remove(0)).isEqualTo("id");
      List<String> unguarded = back.stream().map(CsvEncoder::unguard).toList();
      assertThat(unguarded).as("cells %s encoded as %s", escape(cells.toString()), escape(b.toString("UTF-8")))
        .isEqualTo(cells);
      for (String c : back) {
        assertThat(c.isEmpty() || !CsvEncoder.isTrigger(c.charAt(0))).as("no cell starts with a trigger: %s", c).isTrue();
      }
    }
  }
}
