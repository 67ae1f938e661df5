package io.linkexport.docs;

import io.linkexport.export.Column;
import io.linkexport.export.ColumnSet;
import io.linkexport.export.Compression;
import io.linkexport.export.FileFormat;
import io.linkexport.export.FileOptions;
import io.linkexport.export.Split;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;

/**
 * The documentation of the export's file options, derived from their tables: the columns ({@link Column}: the
 * README's column table and the OpenAPI enum of {@code columns}), the formats, compressions and splits (the OpenAPI
 * enums). {@code FilterDocsTest} fails when a document differs from what this renders; {@link DocsSync} rewrites
 * them.
 */
final class ColumnDocs {

  private ColumnDocs() {
  }

  /** The OpenAPI properties of the export request's file options, beside the filters. */
  static JsonObject exportProperties() {
    return new JsonObject()
      .put(ColumnSet.FIELD, new JsonObject().put("type", "array").put("minItems", 1).put("uniqueItems", true)
        .put("items", new JsonObject().put("type", "string").put("enum", new JsonArray(new ArrayList<>(Column.ids()))))
        .put("description", "The columns, in the order wanted (ids are the list API's field names). Default: "
          + String.join(", ", ColumnSet.DEFAULT.ids()) + ". An unknown or repeated id is a 400 naming columns."))
      .put(FileFormat.FIELD, new JsonObject().put("type", "string")
        .put("enum", new JsonArray(new ArrayList<>(FileFormat.ids()))).put("default", FileFormat.CSV.id())
        .put("description", "csv (RFC 4180, UTF-8, no BOM), csv-excel (UTF-8 with BOM and CRLF, for Excel), tsv,"
          + " jsonl (one JSON object per link, typed values)."))
      .put(Compression.FIELD, new JsonObject().put("type", "string")
        .put("enum", new JsonArray(new ArrayList<>(Compression.ids()))).put("default", Compression.NONE.id())
        .put("description", "gzip: the file is application/gzip, named .gz."))
      .put(Split.FIELD, new JsonObject().put("type", "string")
        .put("enum", new JsonArray(new ArrayList<>(Split.ids()))).put("default", Split.NONE.id())
        .put("description", "auto: over the per-file cap (EXPORT_MAX_ROWS), write several files cut by creation date"
          + " plus a manifest.json, up to EXPORT_MAX_TOTAL_ROWS links; none: over the cap the job fails."))
      .put(FileOptions.MAX_ROWS_PER_FILE, new JsonObject().put("type", "integer").put("minimum", 1)
        .put("description", "With split auto only: the most rows a file holds, from EXPORT_MAX_TOTAL_ROWS / "
          + FileOptions.MAX_CEILINGS + " to EXPORT_MAX_ROWS (the default); outside, a 400 naming it."));
  }

  /** The README's table of the columns (markdown, one row per column, in the table's order). */
  static String markdownTable() {
    StringBuilder md = new StringBuilder("| id | header | type | default | meaning |\n|---|---|---|---|---|\n");
    for (Column c : Column.values()) {
      int at = ColumnSet.DEFAULT.columns().indexOf(c);
      md.append("| `").append(c.id()).append("` | ").append(c.header()).append(" | ").append(c.type().describe())
        .append(" | ").append(at < 0 ? "" : String.valueOf(at + 1)).append(" | ")
        .append(c.description().replace("|", "\\|")).append(" |\n");
    }
    return md.toString();
  }
}
