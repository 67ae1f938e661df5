package io.linkexport.export;

import io.linkexport.links.IsoTime;
import io.vertx.core.json.JsonObject;

import java.time.ZoneOffset;

/**
 * One file an attempt wrote: its download name, object key, row count, size and SHA-256 (of the bytes as stored and
 * downloaded), and for a file of a split export what it holds ({@link FileSpec}).
 */
record FileResult(String name, String key, long rows, long bytes, String sha256, FileSpec spec) {

  /** As the job stores it ({@code export_jobs.files}). */
  JsonObject toJobJson() {
    return toManifestJson().put("key", key);
  }

  /** As the manifest lists it. */
  JsonObject toManifestJson() {
    JsonObject j = new JsonObject().put("name", name).put("rowCount", rows).put("bytes", bytes).put("sha256", sha256);
    if (spec != null && spec.from() != null) {
      j.put("createdFrom", IsoTime.format(spec.from().atOffset(ZoneOffset.UTC)))
        .put("createdTo", IsoTime.format(spec.to().atOffset(ZoneOffset.UTC)));
    }
    if (spec != null && spec.part()) {
      j.put("offset", spec.offset());
    }
    return j;
  }
}
