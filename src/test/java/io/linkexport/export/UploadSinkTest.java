package io.linkexport.export;

import io.linkexport.storage.PartEtag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure of the CSV -> multipart sink without Vert.x or S3: part uploads are promises the test completes, so a
 * "slow S3" is an upload that has not answered yet. The export's cursor loop reads its next batch only when
 * {@code whenWritable()} completes, so what the sink reports is what bounds memory.
 */
class UploadSinkTest {

  private static final int PART = 4096;
  private static final String ROW = "x".repeat(99) + "\n";

  private final List<Promise<String>> uploads = new ArrayList<>();
  private final List<Integer> partSizes = new ArrayList<>();
  /** Every part's bytes, in part order, as S3 would store them. */
  private final java.io.ByteArrayOutputStream stored = new java.io.ByteArrayOutputStream();
  private final List<List<PartEtag>> completed = new ArrayList<>();
  /** When set, the completion of the upload answers only when the test completes this promise. */
  private Promise<Void> completion;

  private UploadSink<String> sink(int maxInFlight) {
    return sink(maxInFlight, ByteStage.IDENTITY);
  }

  private UploadSink<String> sink(int maxInFlight, ByteStage stage) {
    UploadSink.Parts parts = new UploadSink.Parts() {
      @Override
      public Future<String> upload(int partNumber, Buffer body) {
        Promise<String> p = Promise.promise();
        uploads.add(p);
        partSizes.add(body.length());
        stored.writeBytes(body.getBytes());
        return p.future();
      }

      @Override
      public Future<Void> complete(List<PartEtag> refs) {
        completed.add(refs);
        return completion == null ? Future.succeededFuture() : completion.future();
      }
    };
    return new UploadSink<>(parts, (row, buf) -> buf.appendString(row), Buffer.buffer("h\n"), PART, maxInFlight,
      stage);
  }

  /** Writes until the sink says stop, as the cursor loop does; answers the rows accepted. */
  private static int fill(UploadSink<String> sink) {
    int rows = 0;
    while (!sink.writeQueueFull()) {
      sink.write(ROW);
      rows++;
      assertThat(rows).as("the sink never reported full: it would buffer the whole table").isLessThan(10_000);
    }
    return rows;
  }

  @Test
  void aSlowPartUploadPausesTheWriterInsteadOfBuffering() {
    UploadSink<String> sink = sink(1);
    int rows = fill(sink);

    // One part in flight and the next one full: nothing more is accepted until S3 answers.
    assertThat(uploads).hasSize(1);
    assertThat((long) rows * ROW.length()).isLessThanOrEqualTo(2L * (PART + ROW.length()));
    Future<Void> writable = sink.whenWritable();
    assertThat(writable.isComplete()).isFalse();

    uploads.get(0).complete("etag-1");

    assertThat(writable.succeeded()).as("the writer is resumed when the part is uploaded").isTrue();
    assertThat(uploads).as("the full buffer went out as the next part").hasSize(2);
    assertThat(sink.writeQueueFull()).isFalse();
  }

  @Test
  void whenWritableHoldsTheReaderUntilAPartIsUploaded() {
    UploadSink<String> sink = sink(1);
    assertThat(sink.whenWritable().succeeded()).isTrue();
    fill(sink);

    Future<Void> writable = sink.whenWritable();
    assertThat(writable.isComplete()).as("full: the next batch must wait").isFalse();
    assertThat(sink.whenWritable()).as("one waiter, however often asked").isSameAs(writable);

    uploads.get(0).complete("etag-1");

    assertThat(writable.succeeded()).isTrue();
    assertThat(sink.whenWritable().succeeded()).isTrue();
  }

  @Test
  void stoppingWakesAReaderWaitingForASlowUpload() {
    UploadSink<String> sink = sink(1);
    fill(sink);
    Future<Void> writable = sink.whenWritable();

    sink.stop("the export was cancelled");

    assertThat(writable.failed()).as("a cancelled export must not wait for S3").isTrue();
    assertThat(writable.cause()).isInstanceOf(UploadSink.StoppedException.class);
    assertThat(sink.end().failed()).isTrue();
  }

  @Test
  void aFailedPartFailsTheWaitingReader() {
    UploadSink<String> sink = sink(1);
    fill(sink);
    Future<Void> writable = sink.whenWritable();

    uploads.get(0).fail(new IllegalStateException("S3 is down"));

    assertThat(writable.failed()).isTrue();
    assertThat(writable.cause()).hasMessage("S3 is down");
  }

  @Test
  void memoryStaysBoundedWhateverTheRowCountAndTheFileIsWhole() {
    UploadSink<String> sink = sink(2);
    long rows = 0;
    for (int round = 0; round < 200; round++) {
      rows += fill(sink);
      long inFlight = uploads.stream().filter(p -> !p.future().isComplete()).count();
      assertThat(inFlight).isLessThanOrEqualTo(2);
      uploads.stream().filter(p -> !p.future().isComplete()).findFirst().orElseThrow().complete("etag");
    }
    Future<Void> end = sink.end();
    uploads.stream().filter(p -> !p.future().isComplete()).forEach(p -> p.complete("etag"));

    assertThat(end.succeeded()).isTrue();
    assertThat(sink.rows()).isEqualTo(rows);
    // every part but the last is at least the part size (S3's minimum), and nothing was lost or duplicated
    for (int i = 0; i < partSizes.size() - 1; i++) {
      assertThat(partSizes.get(i)).isGreaterThanOrEqualTo(PART);
    }
    assertThat(partSizes.stream().mapToLong(Integer::longValue).sum()).isEqualTo(2 + rows * ROW.length());
    assertThat(completed).hasSize(1);
    assertThat(completed.get(0)).extracting(PartEtag::partNumber)
      .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, partSizes.size()).boxed().toList());
  }

  /** Verifies that a row written once the file has ended fails the sink instead of vanishing from a short file. */
  @Test
  void aRowAfterTheEndFailsTheUploadInsteadOfBeingLost() {
    UploadSink<String> sink = sink(1);
    fill(sink);
    Future<Void> end = sink.end();
    assertThat(uploads).hasSize(2);

    assertThat(sink.write(ROW).failed()).isTrue();
    uploads.forEach(p -> p.tryComplete("etag"));

    assertThat(end.failed()).as("the end fails, so the job retries").isTrue();
    assertThat(end.cause()).hasMessageContaining("after the end");
    assertThat(completed).as("a short file is never completed").isEmpty();
  }

  /** ExportAttempt.cleanUp aborts the multipart upload only once the sink is idle: no part may land after the abort. */
  @Test
  void afterAFailedPartIdleWaitsForTheOtherPartStillUploading() {
    UploadSink<String> sink = sink(2);
    fill(sink);
    assertThat(uploads).hasSize(2);
    assertThat(sink.idle().isComplete()).isFalse();

    uploads.get(0).fail(new RuntimeException("S3 said 500"));
    assertThat(sink.whenWritable().failed()).as("the sink failed").isTrue();
    Future<Void> idle = sink.idle();
    assertThat(idle.isComplete()).as("part 2 is still under way").isFalse();

    uploads.get(1).complete("etag-2");
    assertThat(idle.succeeded()).isTrue();
    assertThat(sink.idle().succeeded()).isTrue();
  }

  /**
   * Verifies that stopping the sink (a hand-back at shutdown, a cancel) fails an end still waiting for its last part,
   * at once: the attempt must not wait for a slow S3 before it can hand its job back. Nothing is completed.
   */
  @Test
  void stoppingFailsAnEndWaitingForItsLastPart() {
    UploadSink<String> sink = sink(2);
    sink.write(ROW);
    Future<Void> end = sink.end();
    assertThat(uploads).hasSize(1);
    assertThat(end.isComplete()).isFalse();

    sink.stop("the node is shutting down");

    assertThat(end.failed()).as("the end does not wait for the part").isTrue();
    assertThat(end.cause()).isInstanceOf(UploadSink.StoppedException.class);
    assertThat(sink.idle().isComplete()).as("the part is still under way: cleanUp waits before aborting").isFalse();
    uploads.get(0).complete("etag-1");
    assertThat(completed).as("a stopped upload is never completed").isEmpty();
  }

  /** Verifies that once the upload's completion was sent, a stop lets it finish: S3 may complete it anyway. */
  @Test
  void aStopAfterTheCompletionWasSentLetsItFinish() {
    completion = Promise.promise();
    UploadSink<String> sink = sink(2);
    sink.write(ROW);
    Future<Void> end = sink.end();
    uploads.get(0).complete("etag-1");
    assertThat(completed).hasSize(1);

    sink.stop("the node is shutting down");
    assertThat(end.isComplete()).isFalse();
    completion.complete();

    assertThat(end.succeeded()).as("the completed upload is reported, so the job can record it").isTrue();
  }

  /**
   * Verifies that the sink's size and SHA-256 are those of the bytes it handed to S3, in part order (what a download
   * serves), computed as the parts leave: null before the end.
   */
  @Test
  void theSizeAndSha256AreThoseOfTheUploadedBytes() throws Exception {
    UploadSink<String> sink = sink(2);
    for (int i = 0; i < 500; i++) {
      sink.write(i + ROW);
    }
    assertThat(sink.sha256()).isNull();
    Future<Void> end = sink.end();
    uploads.forEach(p -> p.tryComplete("etag"));
    assertThat(end.succeeded()).isTrue();
    assertThat(partSizes).hasSizeGreaterThan(2);
    byte[] file = stored.toByteArray();
    assertThat(sink.bytes()).isEqualTo(file.length);
    assertThat(sink.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
      java.security.MessageDigest.getInstance("SHA-256").digest(file)));
  }

  /**
   * Verifies that a gzip sink streams: it uploads part after part while rows come (the writer is held like any
   * other), and the parts together are one gzip member that the JDK's GZIPInputStream reads back to exactly the rows
   * written, whose size and SHA-256 are those of the compressed bytes.
   */
  @Test
  void aGzipSinkStreamsPartsThatGunzipToTheRows() throws Exception {
    UploadSink<String> sink = sink(2, ByteStage.gzip());
    java.util.Random random = new java.util.Random(7);
    StringBuilder expected = new StringBuilder("h\n");
    int rows = 0;
    while (uploads.size() < 4) {
      // random digits compress poorly: the parts fill up within a few thousand rows
      String row = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()) + "\n";
      if (sink.writeQueueFull()) {
        uploads.stream().filter(p -> !p.future().isComplete()).findFirst().orElseThrow().complete("etag");
      }
      sink.write(row);
      expected.append(row);
      rows++;
      assertThat(rows).as("a gzip sink must upload parts while rows come").isLessThan(100_000);
    }
    Future<Void> end = sink.end();
    uploads.forEach(p -> p.tryComplete("etag"));
    assertThat(end.succeeded()).isTrue();
    for (int i = 0; i < partSizes.size() - 1; i++) {
      assertThat(partSizes.get(i)).isGreaterThanOrEqualTo(PART).isLessThan(PART + 256 * 1024);
    }
    byte[] file = stored.toByteArray();
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(file))) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected.toString());
    }
    assertThat(sink.bytes()).isEqualTo(file.length);
    assertThat(sink.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
      java.security.MessageDigest.getInstance("SHA-256").digest(file)));
  }

  /** Verifies that an empty gzip export is still a valid gzip file holding its header line. */
  @Test
  void anEmptyGzipFileStillGunzipsToItsHeader() throws Exception {
    UploadSink<String> sink = sink(1, ByteStage.gzip());
    Future<Void> end = sink.end();
    uploads.forEach(p -> p.tryComplete("etag"));
    assertThat(end.succeeded()).isTrue();
    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(stored.toByteArray()))) {
      assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("h\n");
    }
  }
}
