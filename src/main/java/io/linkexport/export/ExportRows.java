package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;

/**
 * Encodes a row of {@code sql/links_export.sql} (columns by position) as one CSV line. Reading by index and
 * writing straight into the part buffer keeps the per-row cost to a few small allocations.
 */
final class ExportRows {

  private static final CsvEncoder ENCODER = new CsvEncoder();

  private ExportRows() {
  }

  static void header(Buffer out) {
    ENCODER.header(out);
  }

  static void encode(Row r, Buffer out) {
    ENCODER.row(new ExportRow(
      r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getOffsetDateTime(4),
      r.getLong(5), r.getLong(6), r.getLong(7), r.getLong(8),
      r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getOffsetDateTime(13)), out);
  }
}
