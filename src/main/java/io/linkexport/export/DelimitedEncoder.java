package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The text formats (csv, csv-excel, tsv): a header line of the columns' display names, then one line per link, CRLF
 * line ends, each cell written by its column's {@link ColumnType} through {@link CsvEncoder} (quoted when needed,
 * text guarded against formulas). csv-excel starts with a UTF-8 byte-order mark (without it Excel reads the file in
 * the machine's legacy code page and mangles every non-ASCII name) and writes digit-only text that Excel would turn
 * into a number ({@link ExcelText}) as a text formula, which keeps its leading zeros.
 *
 * <p>The cell writers are chosen once per file, one per column, so a row is a loop over them.
 */
final class DelimitedEncoder implements RowEncoder {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** Writes column {@code i} of a row. */
  @FunctionalInterface
  private interface Cell {
    void write(Tuple row, int i, RowBytes out);
  }

  private final ColumnSet columns;
  private final char separator;
  private final boolean excel;
  private final Cell[] cells;
  private final ZoneId zone;
  private final RowBytes line = new RowBytes(512);

  DelimitedEncoder(ColumnSet columns, Map<UUID, String> tagNames, ZoneId zone, char separator, boolean excel) {
    this.zone = zone;
    this.columns = columns;
    this.separator = separator;
    this.excel = excel;
    List<Column> list = columns.columns();
    this.cells = new Cell[list.size()];
    for (int i = 0; i < cells.length; i++) {
      cells[i] = cell(list.get(i).type(), tagNames);
    }
  }

  @Override
  public void start(Buffer out) {
    if (excel) {
      out.appendBytes(BOM);
    }
    List<String> headers = columns.headers();
    for (int i = 0; i < headers.size(); i++) {
      if (i > 0) {
        out.appendByte((byte) separator);
      }
      CsvEncoder.text(out, headers.get(i), separator);
    }
    out.appendByte((byte) '\r').appendByte((byte) '\n');
  }

  @Override
  public void row(Tuple row, Buffer out) {
    RowBytes l = line.clear();
    Cell[] cs = cells;
    for (int i = 0; i < cs.length; i++) {
      if (i > 0) {
        l.put(separator);
      }
      cs[i].write(row, i, l);
    }
    l.put('\r').put('\n').appendTo(out);
  }

  private Cell cell(ColumnType type, Map<UUID, String> tagNames) {
    return switch (type) {
      case TEXT -> (row, i, out) -> text(out, row.getString(i));
      case INTEGER -> (row, i, out) -> {
        Long n = row.getLong(i);
        if (n != null) {
          out.number(n);
        }
      };
      case TIMESTAMP -> (row, i, out) -> out.time(row.getOffsetDateTime(i), zone);
      case BOOLEAN -> (row, i, out) -> {
        Boolean b = row.getBoolean(i);
        if (b != null) {
          out.ascii(b ? "true" : "false");
        }
      };
      case UUID -> (row, i, out) -> {
        UUID u = row.getUUID(i);
        if (u != null) {
          out.ascii(u.toString());
        }
      };
      case TAG_NAMES -> (row, i, out) -> text(out, TagNames.joined(row.getArrayOfUUIDs(i), tagNames));
    };
  }

  private void text(RowBytes out, String s) {
    if (excel && ExcelText.turnsIntoANumber(s)) {
      ExcelText.write(out, s);
    } else {
      CsvEncoder.text(out, s, separator);
    }
  }
}
