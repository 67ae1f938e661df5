package io.linkexport.export;

import io.linkexport.storage.PartEtag;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cursor loop without a database or S3: a cursor is a list of integers read in batches, a part upload answers at
 * once. What it checks is where the loop waits: between batches, while this node serves list pages.
 */
class CursorPumpTest {

  private final AtomicInteger listQueries = new AtomicInteger();
  private final List<Promise<Void>> wakeUps = new ArrayList<>();
  private int reads;

  /** Ten rows in batches of four: three reads. */
  private RowSlices<Integer>.Slice rows() {
    Supplier<Future<RowSlices.Batch<Integer>>> cursor = () -> {
      int from = 4 * reads++;
      List<Integer> batch = IntStream.range(from, Math.min(10, from + 4)).boxed().toList();
      return Future.succeededFuture(new RowSlices.Batch<>(batch, batch.size() < 4));
    };
    return new RowSlices<>(cursor, null).rest(0);
  }

  private static UploadSink<Integer> sink() {
    UploadSink.Parts parts = new UploadSink.Parts() {
      @Override
      public Future<String> upload(int partNumber, Buffer body) {
        return Future.succeededFuture("etag-" + partNumber);
      }

      @Override
      public Future<Void> complete(List<PartEtag> refs) {
        return Future.succeededFuture();
      }
    };
    return new UploadSink<>(parts, (row, buf) -> buf.appendString(row + "\n"), Buffer.buffer(), 4096, 2);
  }

  private CursorPump<Integer> pump(UploadSink<Integer> sink) {
    return pump(sink, new StallWatchdog(TimeUnit.SECONDS.toNanos(10), System::nanoTime));
  }

  private CursorPump<Integer> pump(UploadSink<Integer> sink, StallWatchdog watchdog) {
    ExportPacing pacing = new ExportPacing(listQueries::get, 25, ExportPacing.MAX_PAUSE_MS, ms -> {
      Promise<Void> p = Promise.promise();
      wakeUps.add(p);
      return p.future();
    });
    return new CursorPump<>(null, rows(), sink, watchdog, pacing, 10, Long.MAX_VALUE);
  }

  @Test
  void aloneTheLoopReadsBatchAfterBatchWithoutWaiting() {
    UploadSink<Integer> sink = sink();
    Future<Void> pumped = pump(sink).run();
    assertThat(pumped.succeeded()).isTrue();
    assertThat(reads).isEqualTo(3);
    assertThat(sink.rows()).isEqualTo(10);
    assertThat(wakeUps).isEmpty();
  }

  @Test
  void besideListQueriesTheNextBatchWaitsForItsTurn() {
    listQueries.set(1);
    UploadSink<Integer> sink = sink();
    CursorPump<Integer> pump = pump(sink);
    Future<Void> pumped = pump.run();

    assertThat(reads).as("the first batch is read at once").isEqualTo(1);
    assertThat(sink.rows()).isEqualTo(4);
    assertThat(wakeUps).as("then the loop yields").hasSize(1);
    assertThat(pump.describe()).startsWith("yielding to list pages after batch 1");

    wakeUps.get(0).complete();
    assertThat(reads).isEqualTo(2);
    assertThat(wakeUps).hasSize(2);

    listQueries.set(0);
    wakeUps.get(1).complete();
    assertThat(reads).as("the list went quiet: the last batch follows without a wait").isEqualTo(3);
    assertThat(wakeUps).hasSize(2);
    assertThat(pumped.succeeded()).isTrue();
    assertThat(sink.rows()).isEqualTo(10);
  }

  @Test
  void aStopWhileYieldingEndsTheLoopWithoutAnotherRead() {
    listQueries.set(1);
    StallWatchdog watchdog = new StallWatchdog(1, System::nanoTime);
    Future<Void> pumped = pump(sink(), watchdog).run();
    assertThat(watchdog.check(0, false)).isEqualTo(StallWatchdog.Verdict.FINE);
    assertThat(watchdog.check(0, false)).as("no progress past the stall time").isEqualTo(StallWatchdog.Verdict.STOPPED);
    assertThat(pumped.failed()).isTrue();

    wakeUps.get(0).complete();
    assertThat(reads).as("a stopped loop does not read after its wait").isEqualTo(1);
  }

  @Test
  void aStopDuringTheWaitIsSeenBeforeAnotherRead() {
    listQueries.set(1);
    UploadSink<Integer> sink = sink();
    Future<Void> pumped = pump(sink).run();
    assertThat(wakeUps).hasSize(1);
    sink.stop("the export was cancelled");

    wakeUps.get(0).complete();
    assertThat(reads).as("no FETCH after the stop").isEqualTo(1);
    assertThat(pumped.cause()).isInstanceOf(UploadSink.StoppedException.class);
  }
}
