package io.linkexport.export;

import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The files of one attempt: those it completed, the one it is writing, and a split export's manifest; their
 * progress for the heartbeat, and after a failure the clean-up of every object the attempt may have left in S3.
 */
final class AttemptFiles {

  private static final Logger LOG = LoggerFactory.getLogger(AttemptFiles.class);

  private final List<FileResult> done = new CopyOnWriteArrayList<>();
  private volatile FileWriter current;
  private volatile long doneRows;
  private volatile long doneBytes;
  /** The manifest's key once its PUT was sent (S3 may hold it from then on). */
  private volatile String manifestSent;
  private long uploadMs;
  private long streamMs;
  private long readMs;
  private long encodeMs;
  private long pausedMs;
  private long batches;

  /** Writes one file (after the previous ones); a stop before it started stops it at once. */
  Future<Void> write(FileWriter writer, String stopReason) {
    current = writer;
    if (stopReason != null) {
      writer.stop(stopReason);
    }
    return writer.write().map(result -> {
      done.add(result);
      doneRows += result.rows();
      doneBytes += result.bytes();
      uploadMs += writer.uploadMs();
      streamMs += writer.streamMs();
      CursorPump<?> p = writer.pump();
      readMs += p.readMillis();
      encodeMs += p.encodeMillis();
      pausedMs += p.pausedMillis();
      batches += p.batches();
      current = null;
      return null;
    });
  }

  /** Writes a split export's manifest, the last file: the others with their counts, sizes and checksums. */
  Future<Void> manifest(Job job, long total, S3Storage storage, String key, String name) {
    Buffer body = ExportManifest.of(job, total, List.copyOf(done));
    FileDigest digest = new FileDigest();
    digest.update(body);
    String sha256 = digest.finish();
    manifestSent = key;
    return storage.putObject(key, ExportManifest.CONTENT_TYPE, "attachment; filename=\"" + name + "\"",
        Map.of("sha256", sha256), body)
      .map(v -> {
        done.add(new FileResult(name, key, total, body.length(), sha256, null));
        return null;
      });
  }

  /** What the attempt produced: the download is the last file (the one file, or the manifest). */
  AttemptResult result(long total, long countMs) {
    FileResult download = done.get(done.size() - 1);
    return new AttemptResult(total, download.bytes(), download.sha256(), download.key(), List.copyOf(done), countMs,
      uploadMs, streamMs, readMs, encodeMs, pausedMs, batches);
  }

  void stop(String reason) {
    FileWriter w = current;
    if (w != null) {
      w.stop(reason);
    }
  }

  long rows() {
    FileWriter w = current;
    return doneRows + (w == null ? 0 : w.rows());
  }

  long bytes() {
    FileWriter w = current;
    return doneBytes + (w == null ? 0 : w.bytes());
  }

  boolean partsInFlight() {
    FileWriter w = current;
    return w != null && w.partsInFlight();
  }

  String describe(String phase) {
    FileWriter w = current;
    return w == null ? phase + " (" + done.size() + " files written)" : w.describe();
  }

  /**
   * Lets the current file's part uploads end, aborts its upload, and (when {@code delete}) deletes every object this
   * attempt completed or may have completed. Never fails; logs what it could not do.
   */
  Future<Void> cleanUp(Job job, S3Storage storage, JobStore jobs, long settleMs, boolean delete) {
    FileWriter w = current;
    Future<Void> settled = w == null ? Future.succeededFuture() : w.idle()
      .timeout(settleMs, TimeUnit.MILLISECONDS).recover(e -> {
        LOG.warn("export {}: a part upload was still under way after {} ms; aborting the upload anyway", job.id(),
          settleMs);
        return Future.succeededFuture();
      });
    String uploadId = w == null ? null : w.uploadId();
    List<String> objects = new ArrayList<>();
    done.forEach(f -> objects.add(f.key()));
    if (w != null && w.completeSent()) {
      objects.add(w.key());
    }
    if (manifestSent != null && !objects.contains(manifestSent)) {
      objects.add(manifestSent);
    }
    Future<Void> aborted = uploadId == null ? settled : settled
      .compose(v -> storage.abortMultipartUpload(w.key(), uploadId))
      .compose(v -> jobs.clearUpload(job.id(), uploadId));
    return aborted
      .compose(v -> delete ? deleteAll(job, storage, objects) : Future.succeededFuture())
      .recover(e -> {
        LOG.warn("export {} attempt {} could not clean up its upload (the next attempt or the janitor will): {}",
          job.id(), job.attempt(), e.getMessage());
        return Future.succeededFuture();
      });
  }

  private static Future<Void> deleteAll(Job job, S3Storage storage, List<String> keys) {
    Future<Void> chain = Future.succeededFuture();
    for (String key : keys) {
      chain = chain.compose(v -> storage.deleteObject(key).onSuccess(x ->
        LOG.info("export {} attempt {} deleted an object it completed ({})", job.id(), job.attempt(), key)));
    }
    return chain;
  }
}
