package io.linkexport.export;

import io.linkexport.bus.ServiceException;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * The file formats of an export ({@code format}), each with its file extension, its download's Content-Type and its
 * encoder. The text formats share one cell writer ({@link CsvEncoder}: RFC 4180 quoting and the formula guard); JSON
 * Lines writes typed values and is never guarded (a guard would change the data; README, "Formats").
 */
public enum FileFormat {
  /** RFC 4180: comma, CRLF, UTF-8 without a byte-order mark. The default. */
  CSV("csv", "csv", "text/csv; charset=utf-8", (c, t, z) -> new DelimitedEncoder(c, t, z, ',', false)),
  /** CSV for Excel: UTF-8 with a byte-order mark, CRLF, digit-only text that Excel would turn into a number kept. */
  CSV_EXCEL("csv-excel", "csv", "text/csv; charset=utf-8", (c, t, z) -> new DelimitedEncoder(c, t, z, ',', true)),
  /** Tab-separated: RFC 4180's rules with a tab as the separator. */
  TSV("tsv", "tsv", "text/tab-separated-values; charset=utf-8",
    (c, t, z) -> new DelimitedEncoder(c, t, z, '\t', false)),
  /** JSON Lines: one JSON object per link, typed values, null for no value. */
  JSONL("jsonl", "jsonl", "application/x-ndjson", JsonLinesEncoder::new);

  /** The request field. */
  public static final String FIELD = "format";

  private final String id;
  private final String extension;
  private final String contentType;
  private final Factory encoder;

  FileFormat(String id, String extension, String contentType,
             Factory encoder) {
    this.id = id;
    this.extension = extension;
    this.contentType = contentType;
    this.encoder = encoder;
  }

  public String id() {
    return id;
  }

  /** The file name's extension, without the dot (before a compression's). */
  public String extension() {
    return extension;
  }

  /** The Content-Type of the uncompressed file. */
  public String contentType() {
    return contentType;
  }

  /** A new encoder of the columns, timestamps in UTC. */
  public RowEncoder encoder(ColumnSet columns, Map<UUID, String> tagNames) {
    return encoder(columns, tagNames, ZoneOffset.UTC);
  }

  /**
   * A new encoder of the columns; {@code tagNames} names the tags by id (empty when no column writes tags);
   * timestamps are written in {@code zone} ({@code links.IsoTime}: UTC with Z, any other zone with its offset).
   */
  public RowEncoder encoder(ColumnSet columns, Map<UUID, String> tagNames, ZoneId zone) {
    return encoder.create(columns, tagNames, zone);
  }

  /** How a format builds its encoder. */
  @FunctionalInterface
  private interface Factory {
    RowEncoder create(ColumnSet columns, Map<UUID, String> tagNames, ZoneId zone);
  }

  /** Whether cells are guarded against formulas (the text formats). */
  public boolean guarded() {
    return this != JSONL;
  }

  /** The format of that id; null means {@link #CSV}; anything else is a 400 naming {@code format}. */
  public static FileFormat parse(Object value) {
    if (value == null) {
      return CSV;
    }
    for (FileFormat f : values()) {
      if (f.id.equals(value)) {
        return f;
      }
    }
    throw ServiceException.badRequest(FIELD, "format must be one of " + String.join(", ", ids()));
  }

  public static java.util.List<String> ids() {
    return Arrays.stream(values()).map(FileFormat::id).toList();
  }
}
