package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.storage.PartEtag;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * One file of an export attempt: its multipart upload (recorded, fenced, on the job, so a rescuer can abort it), its
 * slice of the attempt's one cursor ({@link RowSlices}), the sink that encodes, compresses and uploads them, and,
 * once S3 completed the object, the object's {@code x-amz-meta-sha256}. Files of an attempt are written one after
 * the other, so one upload at most is under way and {@code export_jobs.upload_id} always names it.
 */
final class FileWriter {

  private static final Logger LOG = LoggerFactory.getLogger(FileWriter.class);
  /** S3 copies an object onto itself (to replace its metadata) in one request up to this size. */
  private static final long MAX_COPY_BYTES = 5L * 1024 * 1024 * 1024;

  /** What every file of an attempt shares; {@code readSource} is what the snapshot is read from (recorded). */
  record Scope(Job job, JobStore jobs, S3Storage storage, AppConfig config,
               StallWatchdog watchdog, RowEncoder encoder, String readSource, ExportPacing pacing) {
  }

  private final Scope scope;
  private final FileSpec spec;
  private final RowSlices<Row>.Slice rows;
  private final String key;
  private final String name;
  private final String disposition;
  private volatile UploadSink<Row> sink;
  private volatile CursorPump<Row> pump;
  private volatile String uploadId;
  private volatile String stopReason;
  /** Set once CompleteMultipartUpload is sent: from then on S3 may hold this file's object. */
  private volatile boolean completeSent;
  private volatile String phase = "creating the upload";
  private long uploadMs;
  private long streamMs;

  FileWriter(Scope scope, FileSpec spec, RowSlices<Row>.Slice rows, String key, String name) {
    this.scope = scope;
    this.spec = spec;
    this.rows = rows;
    this.key = key;
    this.name = name;
    this.disposition = "attachment; filename=\"" + name + "\"";
  }

  /** Writes the file; completes with what it holds. */
  Future<FileResult> write() {
    FileOptions options = scope.job().options();
    long t0 = System.nanoTime();
    return scope.storage().createMultipartUpload(key, options.contentType(), disposition)
      .compose(id -> {
        uploadId = id;
        return scope.jobs().recordUpload(scope.job(), id, key, scope.readSource());
      })
      .compose(recorded -> recorded ? Future.succeededFuture()
        : Future.<Void>failedFuture(new UploadSink.StoppedException("the export was cancelled")))
      .compose(v -> {
        uploadMs = (System.nanoTime() - t0) / 1_000_000;
        return stream();
      })
      .compose(v -> {
        streamMs = (System.nanoTime() - t0) / 1_000_000 - uploadMs;
        return metadata(options);
      })
      .map(v -> new FileResult(name, key, sink.rows(), sink.bytes(), sink.sha256(), spec));
  }

  private Future<Void> stream() {
    AppConfig config = scope.config();
    Buffer header = Buffer.buffer();
    scope.encoder().start(header);
    ByteStage stage = scope.job().options().compression() == Compression.GZIP ? ByteStage.gzip() : ByteStage.IDENTITY;
    UploadSink<Row> s = new UploadSink<>(new Parts(), scope.encoder()::row, header, config.exportPartSizeBytes(),
      config.exportPartsInFlight(), stage);
    sink = s;
    if (stopReason != null) {
      s.stop(stopReason);
    }
    CursorPump<Row> p = new CursorPump<>(scope.job(), rows, s, scope.watchdog(), scope.pacing(), spec.rows(),
      config.exportSlowBatchMillis());
    pump = p;
    return p.run().compose(v -> s.end());
  }

  /** The SHA-256 also as the object's metadata, where S3 tools show it. */
  private Future<Void> metadata(FileOptions options) {
    phase = "storing the checksum as object metadata";
    if (sink.bytes() > MAX_COPY_BYTES) {
      LOG.warn("export {}: {} is over 5 GiB; its SHA-256 is in the job and the manifest, not in its S3 metadata",
        scope.job().id(), key);
      return Future.succeededFuture();
    }
    return scope.storage().replaceMetadata(key, options.contentType(), disposition, Map.of("sha256", sink.sha256()));
  }

  /** Makes the next write of the sink fail (see {@link ExportAttempt#stop}). */
  void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    UploadSink<Row> s = sink;
    if (s != null) {
      s.stop(reason);
    }
  }

  long rows() {
    UploadSink<Row> s = sink;
    return s == null ? 0 : s.rows();
  }

  long bytes() {
    UploadSink<Row> s = sink;
    return s == null ? 0 : s.bytes();
  }

  boolean partsInFlight() {
    UploadSink<Row> s = sink;
    return s != null && s.partsInFlight() > 0;
  }

  /** What the file is doing, for the stall log. */
  String describe() {
    CursorPump<Row> p = pump;
    return name + ": " + (p == null ? phase : p.describe());
  }

  String key() {
    return key;
  }

  String uploadId() {
    return uploadId;
  }

  boolean completeSent() {
    return completeSent;
  }

  long uploadMs() {
    return uploadMs;
  }

  long streamMs() {
    return streamMs;
  }

  CursorPump<Row> pump() {
    return pump;
  }

  /** Completes once no part upload of this file is under way (waited for before the upload is aborted). */
  Future<Void> idle() {
    UploadSink<Row> s = sink;
    return s == null ? Future.succeededFuture() : s.idle();
  }

  /** The sink's parts go to this file's multipart upload. */
  private final class Parts implements UploadSink.Parts {
    @Override
    public Future<String> upload(int partNumber, Buffer body) {
      return scope.storage().uploadPart(key, uploadId, partNumber, body);
    }

    @Override
    public Future<Void> complete(List<PartEtag> parts) {
      completeSent = true;
      phase = "completing the upload";
      return scope.storage().completeMultipartUpload(key, uploadId, parts);
    }
  }
}
