package io.linkexport.export;

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
    void write(Tuple row, int i, RowBytes out);
  }

  private final byte[][] names;
  private final Value[] values;
  private final RowBytes line = new RowBytes(512);

  JsonLinesEncoder(ColumnSet columns, Map<UUID, String> tagNames, ZoneId zone) {
    List<Column> list = columns.columns();
    this.names = new byte[list.size()][];
    this.values = new Value[list.size()];
    for (int i = 0; i < list.size(); i++) {
      RowBytes name = new RowBytes(32).put(i == 0 ? '{' : ',');
      string(name, list.get(i).id());
      names[i] = name.put(':').copy();
      values[i] = value(list.get(i).type(), tagNames, zone);
    }
  }

  @Override
  public void start(Buffer out) {
    // JSON Lines has no header: every line is self-describing
  }

  @Override
  public void row(Tuple row, Buffer out) {
    RowBytes l = line.clear();
    for (int i = 0; i < values.length; i++) {
      l.bytes(names[i]);
      values[i].write(row, i, l);
    }
    l.put('}').put('\n').appendTo(out);
  }

  private static Value value(ColumnType type, Map<UUID, String> tagNames, ZoneId zone) {
    return switch (type) {
      case TEXT -> (row, i, out) -> string(out, row.getString(i));
      case INTEGER -> (row, i, out) -> {
        Long n = row.getLong(i);
        if (n == null) {
          out.bytes(NULL);
        } else {
          out.number(n);
        }
      };
      case TIMESTAMP -> (row, i, out) -> time(out, row.getOffsetDateTime(i), zone);
      case BOOLEAN -> (row, i, out) -> {
        Boolean b = row.getBoolean(i);
        out.ascii(b == null ? "null" : b ? "true" : "false");
      };
      case UUID -> (row, i, out) -> {
        UUID u = row.getUUID(i);
        string(out, u == null ? null : u.toString());
      };
      case TAG_NAMES -> (row, i, out) -> {
        out.put('[');
        List<String> tags = TagNames.of(row.getArrayOfUUIDs(i), tagNames);
        for (int t = 0; t < tags.size(); t++) {
          if (t > 0) {
            out.put(',');
          }
          string(out, tags.get(t));
        }
        out.put(']');
      };
    };
  }

  private static void time(RowBytes out, OffsetDateTime t, ZoneId zone) {
    if (t == null) {
      out.bytes(NULL);
      return;
    }
    out.put('"').time(t, zone).put('"');
  }

  /** A JSON string (RFC 8259): {@code "} and {@code \} and control characters escaped; null as null. */
  static void string(RowBytes out, String s) {
    if (s == null) {
      out.bytes(NULL);
      return;
    }
    boolean plain = true;
    for (int i = 0, n = s.length(); i < n && plain; i++) {
      char c = s.charAt(i);
      plain = c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
    }
    out.put('"');
    if (plain) {
      out.ascii(s);
    } else {
      out.utf8(escape(s), false);
    }
    out.put('"');
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
