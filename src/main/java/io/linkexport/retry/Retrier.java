package io.linkexport.retry;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs an idempotent operation up to {@code maxAttempts} times, waiting {@link Backoff#delay} between attempts while
 * its failure is retryable. The wait is an injectable timer ({@code vertx.timer} in production).
 */
public final class Retrier {

  private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

  private final int maxAttempts;
  private final Backoff backoff;
  private final Function<Duration, Future<?>> timer;

  public Retrier(int maxAttempts, Backoff backoff, Function<Duration, Future<?>> timer) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.timer = timer;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * The operation's result, or its last failure: at once for a failure {@code retryable} refuses, after
   * {@code maxAttempts} otherwise ({@code exhausted} may say so in the failure it answers).
   */
  public <T> Future<T> run(String what, Supplier<Future<T>> operation, Predicate<Throwable> retryable,
                           BiFunction<Throwable, Integer, Throwable> exhausted) {
    return attempt(what, operation, retryable, exhausted, 1);
  }

  private <T> Future<T> attempt(String what, Supplier<Future<T>> operation, Predicate<Throwable> retryable,
                                BiFunction<Throwable, Integer, Throwable> exhausted, int n) {
    return operation.get().recover(err -> {
      if (!retryable.test(err)) {
        return Future.failedFuture(err);
      }
      if (n >= maxAttempts) {
        return Future.failedFuture(exhausted.apply(err, n));
      }
      Duration delay = backoff.delay(n);
      LOG.warn("{} failed (attempt {}/{}), retrying in {} ms: {}", what, n, maxAttempts, delay.toMillis(),
        err.getMessage());
      return timer.apply(delay).compose(v -> attempt(what, operation, retryable, exhausted, n + 1));
    });
  }
}
