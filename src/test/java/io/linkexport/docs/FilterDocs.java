package io.linkexport.docs;

import io.linkexport.links.FilterParam;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The documentation of the filters, derived from the parameter table ({@link FilterParam}): the query parameters of
 * the list and count operations and the export request schema of {@code docs/openapi.json}, and the README's table.
 * {@code FilterDocsTest} fails when either document differs from what this renders; {@link DocsSync} rewrites them.
 */
final class FilterDocs {

  private FilterDocs() {
  }

  /** The OpenAPI query parameters of {@code listLinks} and {@code countLinks}, in table order. */
  static JsonArray queryParameters() {
    JsonArray out = new JsonArray();
    for (FilterParam p : FilterParam.values()) {
      out.add(new JsonObject().put("name", p.param()).put("in", "query").put("required", false)
        .put("description", p.description()).put("schema", p.type().schema()));
    }
    return out;
  }

  /**
   * The OpenAPI schema of the export request body: the list's parameters (paging is accepted and ignored), and beside
   * them the file options ({@link ColumnDocs#exportProperties}).
   */
  static JsonObject exportRequestSchema() {
    JsonObject properties = new JsonObject();
    for (FilterParam p : FilterParam.values()) {
      properties.put(p.param(), p.type().bodySchema().copy().put("description", p.description()));
    }
    ColumnDocs.exportProperties().forEach(e -> properties.put(e.getKey(), e.getValue()));
    return new JsonObject().put("type", "object").put("additionalProperties", false).put("properties", properties)
      .put("description", "The same parameters as the list, as JSON values (a list also as an array); the export"
        + " ignores page and pageSize. Beside them, the file options: columns, format, compression, split,"
        + " maxRowsPerFile. Unknown fields are a 400 naming them.");
  }

  /** The README's table of the filters (markdown, one row per parameter). */
  static String markdownTable() {
    StringBuilder md = new StringBuilder("| parameter | type | default | meaning |\n|---|---|---|---|\n");
    for (FilterParam p : FilterParam.values()) {
      Object def = p.type().defaultValue();
      String shown = def == null || (def instanceof java.util.List<?> l && l.isEmpty()) ? ""
        : "`" + p.type().toJson(def) + "`";
      md.append("| `").append(p.param()).append("` | ").append(p.type().describe()).append(" | ").append(shown)
        .append(" | ").append(p.description().replace("|", "\\|")).append(" |\n");
    }
    return md.toString();
  }
}
