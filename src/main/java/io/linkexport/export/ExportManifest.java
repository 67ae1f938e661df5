package io.linkexport.export;

import io.linkexport.links.IsoTime;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The {@code manifest.json} of a split export: what the files are and how they were cut, so that a reader can check
 * them without the service: the job, the snapshot's count (the files' row counts add up to it), the columns with
 * their schema version, the format, the filters, and per file its name, rows, bytes, SHA-256 and creation range
 * ({@code createdFrom} inclusive, {@code createdTo} exclusive, UTC; a part of one day also its {@code offset} in the
 * export's order).
 */
final class ExportManifest {

  static final String CONTENT_TYPE = "application/json";

  private ExportManifest() {
  }

  /** The manifest of {@code files} (in order), by an attempt of {@code job}, from a snapshot of {@code total}. */
  static Buffer of(Job job, long total, List<FileResult> files) {
    JsonArray list = new JsonArray();
    files.forEach(f -> list.add(f.toManifestJson()));
    JsonObject m = new JsonObject()
      .put("jobId", job.id().toString())
      .put("projectId", job.projectId().toString())
      .put("createdAt", IsoTime.format(job.createdAt()))
      .put("schemaVersion", job.schemaVersion())
      .put("rowCount", total)
      .put("columns", job.options().columns().toJson())
      .put("format", job.options().format().id())
      .put("compression", job.options().compression().id())
      .put("filters", job.filters())
      .put("files", list);
    return Buffer.buffer(m.encodePrettily());
  }
}
