package io.linkexport.export;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The stall watchdog on a fake clock: it fires only when a read makes no progress for the stall time. */
class StallWatchdogTest {

  private final AtomicLong now = new AtomicLong();
  private final StallWatchdog watchdog = new StallWatchdog(TimeUnit.SECONDS.toNanos(10), now::get);

  private void advance(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void aReadWithoutProgressForTheStallTimeIsFailedAndItsStatementCancelled() {
    Promise<String> db = Promise.promise();
    Future<String> watched = watchdog.watched(db::future);
    assertThat(watchdog.check(0, false)).isEqualTo(StallWatchdog.Verdict.FINE);
    advance(9);
    assertThat(watchdog.check(0, false)).isEqualTo(StallWatchdog.Verdict.FINE);
    advance(1);
    assertThat(watchdog.check(0, false)).isEqualTo(StallWatchdog.Verdict.STOPPED_IN_CALL);
    assertThat(watched.cause()).isSameAs(StallWatchdog.STALLED);
    db.complete("late");
    assertThat(watched.cause()).as("a late answer is dropped").isSameAs(StallWatchdog.STALLED);
  }

  @Test
  void progressOrAPartUploadUnderWayResetsTheClock() {
    Promise<Void> loop = Promise.promise();
    watchdog.watchLoop(loop);
    watchdog.check(0, false);
    advance(8);
    assertThat(watchdog.check(5, false)).as("rows were encoded").isEqualTo(StallWatchdog.Verdict.FINE);
    advance(8);
    assertThat(watchdog.check(5, true)).as("a part is uploading").isEqualTo(StallWatchdog.Verdict.FINE);
    advance(8);
    assertThat(watchdog.check(5, false)).isEqualTo(StallWatchdog.Verdict.FINE);
    advance(2);
    assertThat(watchdog.check(5, false)).isEqualTo(StallWatchdog.Verdict.STOPPED);
    assertThat(loop.future().cause()).isSameAs(StallWatchdog.STALLED);
  }

  @Test
  void nothingUnderWayIsNeverAStall() {
    watchdog.watched(() -> Future.succeededFuture("done"));
    watchdog.check(0, false);
    advance(60);
    assertThat(watchdog.check(0, false)).isEqualTo(StallWatchdog.Verdict.FINE);
  }
}
