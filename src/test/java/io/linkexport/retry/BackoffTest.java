package io.linkexport.retry;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

  @Test
  void delaysDoubleUpToTheCap() {
    Backoff mail = Backoff.of(Duration.ofSeconds(5), Duration.ofMinutes(10), 0.2).withRandom(() -> 0);
    assertThat(mail.delay(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(mail.delay(2)).isEqualTo(Duration.ofSeconds(10));
    assertThat(mail.delay(12)).isEqualTo(Duration.ofMinutes(10));
    assertThat(mail.delay(1_000)).isEqualTo(Duration.ofMinutes(10));
    assertThat(mail.delaySeconds(3)).isEqualTo(20.0);
  }

  /** Verifies that jitter only shortens a delay, by at most its fraction, and that full jitter spans (0, ceiling]. */
  @Test
  void jitterShortensByAtMostItsFraction() {
    Backoff export = Backoff.of(Duration.ofSeconds(5), Duration.ofMinutes(5), 0.2);
    assertThat(export.withRandom(() -> 0.999_999).delay(1).toMillis()).isBetween(4_000L, 4_001L);
    assertThat(export.withRandom(() -> 0.5).delay(2)).isEqualTo(Duration.ofSeconds(9));
    Backoff s3 = Backoff.of(Duration.ofMillis(200), Duration.ofSeconds(10), 1.0);
    assertThat(s3.withRandom(() -> 0.999_999).delay(3)).isEqualTo(Duration.ofMillis(1));
    assertThat(s3.withRandom(() -> 0).delay(3)).isEqualTo(Duration.ofMillis(800));
    assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 0))
      .isInstanceOf(IllegalArgumentException.class);
  }

  /** Verifies that the retrier waits the policy's delays between attempts and gives up after the last one. */
  @Test
  void retriesRetryableFailuresWithTheDelaysOfThePolicy() {
    List<Duration> waited = new ArrayList<>();
    Retrier retrier = new Retrier(3, Backoff.of(Duration.ofMillis(100), Duration.ofSeconds(1), 0).withRandom(() -> 0),
      d -> {
        waited.add(d);
        return Future.succeededFuture();
      });
    AtomicInteger calls = new AtomicInteger();
    Future<String> gaveUp = retrier.run("op", () -> {
      calls.incrementAndGet();
      return Future.failedFuture(new IllegalStateException("down"));
    }, e -> true, (e, n) -> new IllegalStateException("down after " + n));
    assertThat(gaveUp.cause()).hasMessage("down after 3");
    assertThat(calls).hasValue(3);
    assertThat(waited).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));

    calls.set(0);
    Future<String> permanent = retrier.run("op", () -> {
      calls.incrementAndGet();
      return Future.failedFuture(new IllegalArgumentException("bad"));
    }, e -> e instanceof IllegalStateException, (e, n) -> e);
    assertThat(permanent.cause()).hasMessage("bad");
    assertThat(calls).hasValue(1);
  }
}
