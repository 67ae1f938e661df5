package io.linkexport.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.linkexport.storage.PartEtag;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Where the export's rows go: encodes each row into the current part buffer and uploads a part whenever it reaches
 * the part size. Memory is bounded by {@code (maxInFlight + 1) * (partSize + slack)} plus what one fetch batch
 * encodes to beyond the slack, whatever the row count: while {@code maxInFlight} parts are uploading and the current
 * buffer is full, {@link #writeQueueFull()} is true and {@link #whenWritable()} holds the producer (the export's
 * cursor loop) until a part is done.
 *
 * <p>{@link #end()} uploads the last (possibly small) part and completes the multipart upload; a failure of any part
 * fails the sink (the next write, wait or end fails with it) and the caller aborts the upload. Runs on one context:
 * no locking.
 *
 * <p>The file's size and SHA-256 are taken from the parts as they leave, in order: the bytes S3 stores and a download
 * serves, compressed or not ({@link ByteStage}), without reading the file again.
 *
 * @param <T> the row type
 */
public final class UploadSink<T> {

  /** Uploads one part and answers its ETag; completes the upload with the part list. */
  public interface Parts {
    Future<String> upload(int partNumber, Buffer body);

    Future<Void> complete(List<PartEtag> parts);
  }

  /** The failure of a sink that was stopped: the job was cancelled, its lease lost, or its node shuts down. */
  public static final class StoppedException extends RuntimeException {
    public StoppedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Room past the part size in each part buffer: while the uploads are full, the rest of the current fetch batch
   * still goes into the current buffer (5,000 rows of ~200 bytes: ~1 MB), and a buffer that has to grow copies itself
   * into one twice as large.
   */
  private final int slack;

  private final Parts parts;
  private final BiConsumer<T, Buffer> encoder;
  private final int partSize;
  private final int maxInFlight;
  private final TreeMap<Integer, String> etags = new TreeMap<>();
  private final ByteStage stage;
  private final FileDigest digest = new FileDigest();
  private Buffer current;
  private int nextPart = 1;
  private int inFlight;
  private long rows;
  private boolean ending;
  /** The completion of the multipart upload was sent. */
  private boolean completing;
  private String stopReason;
  private Throwable failure;
  private Promise<Void> endPromise;
  /** Completed when the sink can take more rows again, failed when it fails or is stopped. */
  private Promise<Void> writable;
  /** Completed when no part upload is under way any more (see {@link #idle()}). */
  private Promise<Void> idle;

  public UploadSink(Parts parts, BiConsumer<T, Buffer> encoder, Buffer header, int partSize, int maxInFlight) {
    this(parts, encoder, header, partSize, maxInFlight, ByteStage.IDENTITY);
  }

  /** A sink whose bytes pass through {@code stage} (gzip) on their way into the parts. */
  UploadSink(Parts parts, BiConsumer<T, Buffer> encoder, Buffer header, int partSize, int maxInFlight,
             ByteStage stage) {
    this.parts = parts;
    this.encoder = encoder;
    this.partSize = partSize;
    this.maxInFlight = Math.max(1, maxInFlight);
    this.slack = Math.max(256 * 1024, partSize / 4);
    this.stage = stage;
    this.current = Buffer.buffer(partSize + slack);
    stage.target(current).appendBuffer(header);
    stage.written(current);
  }

  /**
   * Makes the next write (or the end) fail: the job was cancelled, this attempt lost its lease, or its node hands it
   * back. A producer waiting for a part upload, and an end waiting for its last parts, fail at once: the attempt is
   * over. Once the completion of the upload is sent, the end runs to its outcome (S3 may complete the object
   * whatever the sink does, and only a recorded completion lets the job point at it).
   */
  public void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    boolean ending = endPromise != null && !endPromise.future().isComplete() && !completing;
    if (writable != null || ending) {
      fail(new StoppedException(stopReason));
    }
  }

  /**
   * Succeeds now when the sink takes more rows, later when an uploading part made room, and fails when the sink
   * failed or was stopped: the producer's flow control.
   */
  public Future<Void> whenWritable() {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (stopReason != null) {
      fail(new StoppedException(stopReason));
      return Future.failedFuture(failure);
    }
    if (!writeQueueFull()) {
      return Future.succeededFuture();
    }
    if (writable == null) {
      writable = Promise.promise();
    }
    return writable.future();
  }

  /**
   * Completes once no part upload is under way. After a failure, the upload must not be aborted before then: S3 may
   * still store a part whose upload was under way during the abort, and nothing would ever delete it.
   */
  public Future<Void> idle() {
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  /** Parts whose upload is under way (for the stall log). */
  public int partsInFlight() {
    return inFlight;
  }

  public long rows() {
    return rows;
  }

  /** Bytes handed to uploads so far (the whole file once {@link #end()} completed). */
  public long bytes() {
    return digest.bytes();
  }

  /** Lowercase hex SHA-256 of the whole file, once {@link #end()} sent its last part; null before. */
  public String sha256() {
    return digest.hex();
  }

  /** Encodes one row; fails (and fails the sink) after a failure, a stop or the end. */
  public Future<Void> write(T row) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (stopReason != null) {
      fail(new StoppedException(stopReason));
      return Future.failedFuture(failure);
    }
    if (ending) {
      // The last part is already on its way: a row now would be counted but never uploaded (a silently short file).
      fail(new IllegalStateException("a row was written after the end of the file"));
      return Future.failedFuture(failure);
    }
    encoder.accept(row, stage.target(current));
    stage.written(current);
    rows++;
    if (current.length() >= partSize && inFlight < maxInFlight) {
      flush();
    }
    return Future.succeededFuture();
  }

  /** True while every part upload is under way and the current buffer is full: wait for {@link #whenWritable()}. */
  public boolean writeQueueFull() {
    return failure == null && inFlight >= maxInFlight && current.length() >= partSize;
  }

  /** Uploads the last part and completes the multipart upload. */
  public Future<Void> end() {
    if (endPromise != null) {
      return endPromise.future();
    }
    endPromise = Promise.promise();
    ending = true;
    if (failure != null) {
      endPromise.fail(failure);
    } else if (stopReason != null) {
      fail(new StoppedException(stopReason));
    } else {
      stage.finish(current);
      // The last part may be smaller than 5 MiB; an empty export still uploads its header row.
      if (current.length() > 0 || nextPart == 1) {
        flush();
      }
      digest.finish();
      maybeComplete();
    }
    return endPromise.future();
  }

  private void flush() {
    Buffer part = current;
    current = ending ? Buffer.buffer(0) : Buffer.buffer(partSize + slack);
    int number = nextPart++;
    inFlight++;
    digest.update(part);
    parts.upload(number, part).onComplete(ar -> {
      inFlight--;
      if (inFlight == 0 && idle != null) {
        Promise<Void> done = idle;
        idle = null;
        done.complete();
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      etags.put(number, ar.result());
      if (failure != null) {
        return;
      }
      if (!ending && current.length() >= partSize && inFlight < maxInFlight) {
        flush();
      }
      if (ending) {
        maybeComplete();
      } else if (!writeQueueFull()) {
        Promise<Void> waiter = writable;
        writable = null;
        if (waiter != null) {
          waiter.complete();
        }
      }
    });
  }

  private void maybeComplete() {
    if (inFlight > 0 || failure != null || endPromise.future().isComplete()) {
      return;
    }
    if (stopReason != null) {
      fail(new StoppedException(stopReason));
      return;
    }
    if (current.length() > 0) {
      fail(new IllegalStateException(current.length() + " bytes were encoded after the last part"));
      return;
    }
    List<PartEtag> list = new ArrayList<>(etags.size());
    etags.forEach((n, etag) -> list.add(new PartEtag(n, etag)));
    completing = true;
    parts.complete(list).onComplete(ar -> {
      if (ar.succeeded()) {
        endPromise.tryComplete();
      } else {
        fail(ar.cause());
      }
    });
  }

  private void fail(Throwable err) {
    if (failure != null) {
      return;
    }
    failure = err;
    current = Buffer.buffer(0);
    stage.close();
    if (endPromise != null) {
      endPromise.tryFail(err);
    }
    Promise<Void> waiter = writable;
    writable = null;
    if (waiter != null) {
      waiter.fail(err);
    }
  }
}
