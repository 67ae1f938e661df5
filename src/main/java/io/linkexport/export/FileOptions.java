package io.linkexport.export;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonObject;

import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;

/**
 * What file an export writes, apart from which links (the filters): its columns, format, compression, and whether it
 * splits at the cap, with an optional lower ceiling of rows per file. Fields of the export request beside
 * {@code filters} (on the bus) or beside the filter fields (the HTTP body), stored resolved on the job (V9).
 */
public record FileOptions(ColumnSet columns, FileFormat format, Compression compression, Split split,
                          Long maxRowsPerFile) {

  /** The request field of the ceiling. */
  public static final String MAX_ROWS_PER_FILE = "maxRowsPerFile";

  /** Every request field these options are read from. */
  public static final List<String> FIELDS = List.of(ColumnSet.FIELD, FileFormat.FIELD, Compression.FIELD, Split.FIELD,
    MAX_ROWS_PER_FILE);

  /** The defaults: the specified CSV in one file. */
  public static final FileOptions DEFAULT = new FileOptions(ColumnSet.DEFAULT, FileFormat.CSV, Compression.NONE,
    Split.NONE, null);

  /**
   * The most data files a split export may need, as a multiple of its ceiling: a ceiling must be at least the total
   * cap divided by this, so that a split never writes more than about twice as many files (SplitPlan packs whole
   * months and days: two neighbouring files always hold more than one ceiling).
   */
  public static final int MAX_CEILINGS = 100;

  /** The limits the options are checked against ({@code EXPORT_MAX_ROWS}, {@code EXPORT_MAX_TOTAL_ROWS}). */
  public record Limits(long maxRows, long maxTotalRows) {
    /** The smallest ceiling a request may ask for. */
    public long minCeiling() {
      return Math.max(1, (maxTotalRows + MAX_CEILINGS - 1) / MAX_CEILINGS);
    }
  }

  /** Reads the options from the request's fields (absent ones: the defaults); a bad one is a 400 naming it. */
  public static FileOptions parse(JsonObject request, Limits limits) {
    ColumnSet columns = ColumnSet.parse(request.getValue(ColumnSet.FIELD));
    FileFormat format = FileFormat.parse(request.getValue(FileFormat.FIELD));
    Compression compression = Compression.parse(request.getValue(Compression.FIELD));
    Split split = Split.parse(request.getValue(Split.FIELD));
    Object ceiling = request.getValue(MAX_ROWS_PER_FILE);
    return new FileOptions(columns, format, compression, split, ceiling == null ? null
      : ceiling(ceiling, split, limits));
  }

  private static long ceiling(Object value, Split split, Limits limits) {
    NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
    if (split != Split.AUTO) {
      throw ServiceException.badRequest(MAX_ROWS_PER_FILE, "maxRowsPerFile applies to a split export only: send it"
        + " with split \"auto\"");
    }
    // through a double: a huge integer (a BigInteger) must not wrap into the range as a long would
    double v = value instanceof Number num ? num.doubleValue() : Double.NaN;
    if (v != Math.rint(v) || v < limits.minCeiling() || v > limits.maxRows()) {
      throw ServiceException.badRequest(MAX_ROWS_PER_FILE, "maxRowsPerFile must be a whole number from "
        + n.format(limits.minCeiling()) + " (a split export writes at most about " + 2 * MAX_CEILINGS
        + " files of up to " + n.format(limits.maxTotalRows()) + " links) to " + n.format(limits.maxRows())
        + " (the per-file cap)");
    }
    return (long) v;
  }

  /** The rows a file of a split export may hold: the request's ceiling, or the per-file cap. */
  public long ceiling(long maxRows) {
    return maxRowsPerFile == null ? maxRows : Math.min(maxRowsPerFile, maxRows);
  }

  /** The canonical form (what an Idempotency-Key replay compares, what the job shows). */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put(ColumnSet.FIELD, columns.toJson()).put(FileFormat.FIELD, format.id())
      .put(Compression.FIELD, compression.id()).put(Split.FIELD, split.id());
    return maxRowsPerFile == null ? j : j.put(MAX_ROWS_PER_FILE, maxRowsPerFile);
  }

  /** The file name's extension after the base name, with its dot: {@code .csv}, {@code .jsonl.gz}, ... */
  public String extension() {
    return "." + format.extension() + compression.suffix();
  }

  /** The download's Content-Type. */
  public String contentType() {
    return compression.contentType(format);
  }
}
