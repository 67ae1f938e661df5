package io.linkexport.export;

import io.linkexport.links.IsoTime;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * JSON Lines (jsonl): one JSON object per link and line ({@code \n}), its members the columns' ids in the export's
 * order, with typed values: numbers for counts, true/false, ISO-8601 timestamps as strings (UTC, or in the export's
 * timezone with their offset), tags as an array of names, and null for no value. No header and no formula guard (a
 * guard would change the data; JSON is read by programs, not spreadsheets). UTF-8 without a byte-order mark. Member
 * names are encoded once per file; strings that need no escape are written byte by byte.
 */
final class JsonLinesEncoder implements RowEncoder {

  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Writes the value of column {@code i} of a row. */
  @FunctionalInterface
  private interface Value {
    void write(Tuple row, int i, Buffer out);
  }

  private final byte[][] names;
  private final Value[] values;

  JsonLinesEncoder(ColumnSet columns, Map<UUID, String> tagNames, ZoneId zone) {
    List<Column> list = columns.columns();
    this.names = new byte[list.size()][];
    this.values = new Value[list.size()];
    for (int i = 0; i < list.size(); i++) {
      Buffer name = Buffer.buffer();
      name.appendByte((byte) (i == 0 ? '{' : ','));
      string(name, list.get(i).id());
      name.appendByte((byte) ':');
      names[i] = name.getBytes();
      values[i] = value(list.get(i).type(), tagNames, zone);
    }
  }

  @Override
  public void start(Buffer out) {
    // JSON Lines has no header: every line is self-describing
  }

  @Override
  public void row(Tuple row, Buffer out) {
    for (int i = 0; i < values.length; i++) {
      out.appendBytes(names[i]);
      values[i].write(row, i, out);
    }
    out.appendByte((byte) '}').appendByte((byte) '\n');
  }

  private static Value value(ColumnType type, Map<UUID, String> tagNames, ZoneId zone) {
    return switch (type) {
      case TEXT -> (row, i, out) -> string(out, row.getString(i));
      case INTEGER -> (row, i, out) -> {
        Long n = row.getLong(i);
        if (n == null) {
          out.appendBytes(NULL);
        } else {
          CsvEncoder.number(out, n);
        }
      };
      case TIMESTAMP -> (row, i, out) -> time(out, row.getOffsetDateTime(i), zone);
      case BOOLEAN -> (row, i, out) -> {
        Boolean b = row.getBoolean(i);
        CsvEncoder.appendAscii(out, b == null ? "null" : b ? "true" : "false");
      };
      case UUID -> (row, i, out) -> {
        UUID u = row.getUUID(i);
        string(out, u == null ? null : u.toString());
      };
      case TAG_NAMES -> (row, i, out) -> {
        out.appendByte((byte) '[');
        List<String> tags = TagNames.of(row.getArrayOfUUIDs(i), tagNames);
        for (int t = 0; t < tags.size(); t++) {
          if (t > 0) {
            out.appendByte((byte) ',');
          }
          string(out, tags.get(t));
        }
        out.appendByte((byte) ']');
      };
    };
  }

  private static void time(Buffer out, OffsetDateTime t, ZoneId zone) {
    if (t == null) {
      out.appendBytes(NULL);
      return;
    }
    out.appendByte((byte) '"').appendBytes(IsoTime.bytes(t, zone)).appendByte((byte) '"');
  }

  /** A JSON string (RFC 8259): {@code "} and {@code \} and control characters escaped; null as null. */
  static void string(Buffer out, String s) {
    if (s == null) {
      out.appendBytes(NULL);
      return;
    }
    boolean plain = true;
    for (int i = 0, n = s.length(); i < n && plain; i++) {
      char c = s.charAt(i);
      plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    }
    out.appendByte((byte) '"');
    if (plain) {
      CsvEncoder.appendAscii(out, s);
    } else {
      out.appendString(escape(s), "UTF-8");
    }
    out.appendByte((byte) '"');
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
