package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The formats' bytes for a chosen column set, read back with real parsers (Commons CSV, Jackson). */
class FileFormatTest {

  private static final UUID LINK = UUID.fromString("6f1c1c4e-2b1a-4c1e-9a43-2f6a1d2c3b4a");
  private static final UUID TAG_A = UUID.fromString("00000000-0000-4000-8000-00000000000a");
  private static final UUID TAG_B = UUID.fromString("00000000-0000-4000-8000-00000000000b");
  private static final Map<UUID, String> TAGS = Map.of(TAG_A, "zeta", TAG_B, "Alpha");
  private static final ColumnSet COLUMNS = ColumnSet.parse(new JsonArray().add("id").add("key").add("name")
    .add("clicks").add("archived").add("tags").add("expiresAt").add("externalId").add("folderId"));

  /** One row of those columns, as the cursor gives it. */
  private static Tuple row(String key, String name, Long clicks, Boolean archived, UUID[] tags, String externalId) {
    return Tuple.tuple().addUUID(LINK).addString(key).addString(name).addLong(clicks).addBoolean(archived)
      .addArrayOfUUID(tags).addOffsetDateTime(OffsetDateTime.parse("2025-03-04T07:06:07.123456+02:00"))
      .addString(externalId).addUUID(null);
  }

  private static String encode(FileFormat format, Tuple... rows) {
    RowEncoder e = format.encoder(COLUMNS, TAGS);
    Buffer b = Buffer.buffer();
    e.start(b);
    for (Tuple r : rows) {
      e.row(r, b);
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static List<List<String>> parse(String text, char separator) throws Exception {
    try (CSVParser p = CSVParser.parse(new StringReader(text), CSVFormat.RFC4180.builder().setDelimiter(separator)
      .get())) {
      List<List<String>> out = new ArrayList<>();
      for (CSVRecord r : p) {
        List<String> cells = new ArrayList<>();
        r.forEach(cells::add);
        out.add(cells);
      }
      return out;
    }
  }

  /** Verifies the TSV bytes: tab-separated, RFC 4180 quoting for tabs and quotes, guarded formulas, CRLF. */
  @Test
  void tsvIsTabSeparatedWithTheSameQuotingAndGuard() throws Exception {
    String tsv = encode(FileFormat.TSV, row("k1", "a\tb \"q\"", 12L, false, new UUID[] {TAG_A, TAG_B}, "=1+1"));
    assertThat(tsv).isEqualTo("ID\tSlug\tName\tClicks\tArchived\tTags\tExpires At\tExternal ID\tFolder ID\r\n"
      + LINK + "\tk1\t\"a\tb \"\"q\"\"\"\t12\tfalse\tAlpha; zeta\t2025-03-04T05:06:07.123Z\t\"'=1+1\"\t\r\n");
    List<String> back = parse(tsv, '\t').get(1);
    assertThat(back.get(2)).isEqualTo("a\tb \"q\"");
    assertThat(CsvEncoder.unguard(back.get(7))).isEqualTo("=1+1");
  }

  /**
   * Verifies the csv-excel bytes: a UTF-8 byte-order mark, CRLF, non-ASCII as UTF-8, and digit-only text Excel would
   * turn into a number (a leading zero, over 15 digits) as a text formula that a reader unwraps.
   */
  @Test
  void csvExcelHasABomAndKeepsLeadingZeros() throws Exception {
    String csv = encode(FileFormat.CSV_EXCEL, row("007", "Café ☕", 0L, true, new UUID[0], "12345678901234567"),
      row("12345", "=\"007\"", null, null, null, null));
    assertThat(csv).startsWith("\uFEFFID,Slug,Name,Clicks,Archived,Tags,Expires At,External ID,Folder ID\r\n");
    assertThat(csv).contains(LINK + ",\"=\"\"007\"\"\",Café ☕,0,true,,2025-03-04T05:06:07.123Z,"
      + "\"=\"\"12345678901234567\"\"\",\r\n");
    assertThat(csv).contains(LINK + ",12345,\"'=\"\"007\"\"\",,,,2025-03-04T05:06:07.123Z,,\r\n");
    List<List<String>> rows = parse(csv.substring(1), ',');
    List<String> first = rows.get(1).stream().map(ExcelText::unwrap).map(CsvEncoder::unguard).toList();
    assertThat(first.subList(1, 3)).containsExactly("007", "Café ☕");
    assertThat(first.get(7)).isEqualTo("12345678901234567");
    List<String> second = rows.get(2).stream().map(ExcelText::unwrap).map(CsvEncoder::unguard).toList();
    assertThat(second.subList(1, 3)).containsExactly("12345", "=\"007\"");
    assertThat(encode(FileFormat.CSV, row("007", "x", 1L, false, null, null))).contains(",007,x,");
  }

  /**
   * Verifies the JSON Lines bytes: one object per line with the columns' ids in order, typed numbers and booleans,
   * null for no value, tags as a sorted array of names, no guard, escapes that a JSON parser reads back.
   */
  @Test
  void jsonLinesAreTypedObjectsWithoutAGuard() {
    String jsonl = encode(FileFormat.JSONL, row("k1", "=HYPERLINK(\"x\")\n\u0001é🚀", 1234567890123L, true,
      new UUID[] {TAG_A, TAG_B}, null), row("k2", null, null, null, null, "e"));
    assertThat(jsonl).startsWith("{\"id\":\"" + LINK + "\",\"key\":\"k1\",\"name\":\"=HYPERLINK(\\\"x\\\")\\n"
      + "\\u0001é🚀\",\"clicks\":1234567890123,\"archived\":true,\"tags\":[\"Alpha\",\"zeta\"],"
      + "\"expiresAt\":\"2025-03-04T05:06:07.123Z\",\"externalId\":null,\"folderId\":null}\n");
    String[] lines = jsonl.split("\n");
    assertThat(lines).hasSize(2);
    JsonObject first = new JsonObject(lines[0]);
    assertThat(first.fieldNames()).containsExactly("id", "key", "name", "clicks", "archived", "tags", "expiresAt",
      "externalId", "folderId");
    assertThat(first.getString("name")).isEqualTo("=HYPERLINK(\"x\")\n\u0001é🚀");
    assertThat(first.getValue("clicks")).isEqualTo(1234567890123L);
    assertThat(first.getJsonArray("tags")).containsExactly("Alpha", "zeta");
    JsonObject second = new JsonObject(lines[1]);
    assertThat(second.getValue("name")).isNull();
    assertThat(second.containsKey("clicks")).isTrue();
    assertThat(second.getValue("clicks")).isNull();
    assertThat(second.getValue("archived")).isNull();
    assertThat(second.getJsonArray("tags")).isEmpty();
  }
}
