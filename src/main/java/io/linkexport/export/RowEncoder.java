package io.linkexport.export;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

/**
 * Writes an export's rows in one {@link FileFormat}, straight into a buffer: {@link #start} once (a byte-order mark, a
 * header line), then {@link #row} per row of {@code sql/links_export.sql}, whose columns are the export's
 * {@link ColumnSet} in order (a {@code Row} is a {@link Tuple}; tests pass tuples); a split export's rows end with
 * their file number, after those columns, which an encoder never reads. Not thread-safe: one per file.
 */
public interface RowEncoder {

  /** What the file starts with, before its first row. */
  void start(Buffer out);

  /** One row, with its line end. */
  void row(Tuple row, Buffer out);
}
