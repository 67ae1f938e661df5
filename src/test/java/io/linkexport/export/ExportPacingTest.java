package io.linkexport.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How long an export waits after a batch while list pages run on its node, without Vert.x (the sleep is a list). */
class ExportPacingTest {

  private final AtomicInteger listQueries = new AtomicInteger();
  private final List<Long> sleeps = new ArrayList<>();
  private final List<Promise<Void>> wakeUps = new ArrayList<>();

  private ExportPacing pacing(int percent) {
    return new ExportPacing(listQueries::get, percent, ExportPacing.MAX_PAUSE_MS, ms -> {
      sleeps.add(ms);
      Promise<Void> p = Promise.promise();
      wakeUps.add(p);
      return p.future();
    });
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void anExportAloneNeverWaits() {
    ExportPacing p = pacing(25);
    assertThat(p.pauseMillis(ms(10))).isZero();
    assertThat(p.after(ms(10)).succeeded()).isTrue();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void besideListQueriesTheExportWorksItsShareOfTheTime() {
    ExportPacing quarter = pacing(25);
    listQueries.set(3);
    assertThat(quarter.pauseMillis(ms(10))).as("10 ms of work, then 30 ms for the pages: 25%").isEqualTo(30);
    assertThat(pacing(50).pauseMillis(ms(10))).isEqualTo(10);
    assertThat(pacing(1).pauseMillis(ms(2))).isEqualTo(198);
    assertThat(quarter.pauseMillis(100_000)).as("a tenth of a millisecond of work waits a whole one").isEqualTo(1);

    Future<Void> turn = quarter.after(ms(10));
    assertThat(turn.isComplete()).as("the next batch waits for the timer").isFalse();
    assertThat(sleeps).containsExactly(30L);
    wakeUps.get(0).complete();
    assertThat(turn.succeeded()).isTrue();
  }

  @Test
  void exportsYieldWhileAListQueryRunsAndYieldingIsOn() {
    assertThat(pacing(25).yielding()).isFalse();
    listQueries.set(1);
    assertThat(pacing(25).yielding()).isTrue();
    assertThat(pacing(100).yielding()).isFalse();
  }

  @Test
  void aSlowBatchWaitsAtMostASecond() {
    listQueries.set(1);
    assertThat(pacing(25).pauseMillis(TimeUnit.SECONDS.toNanos(5))).isEqualTo(ExportPacing.MAX_PAUSE_MS);
    assertThat(pacing(1).pauseMillis(Long.MAX_VALUE)).as("no overflow").isEqualTo(ExportPacing.MAX_PAUSE_MS);
    ExportPacing shortStall = new ExportPacing(listQueries::get, 10, 250, ms -> Future.succeededFuture());
    assertThat(shortStall.pauseMillis(TimeUnit.SECONDS.toNanos(1))).as("a quarter of a 1 s stall time").isEqualTo(250);
  }

  @Test
  void oneHundredPercentTurnsItOff() {
    listQueries.set(32);
    assertThat(pacing(100).pauseMillis(ms(10))).isZero();
    assertThatThrownBy(() -> pacing(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> pacing(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
