package io.linkexport.support;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way tests wait: for a Future's result, or for a condition on state the test can observe (a row, a file, an
 * email), each with a deadline that fails the test naming what it waited for. Never a fixed sleep standing in for
 * "it must have happened by now": a late event would pass such a test.
 */
public final class Await {

  private static final Duration DEFAULT = Duration.ofSeconds(60);
  private static final long POLL_MS = 50;

  private Await() {
  }

  /** The result of {@code f} (within a minute); its failure is rethrown as it is, unwrapped. */
  public static <T> T result(Future<T> f) throws Exception {
    return result(f, DEFAULT);
  }

  public static <T> T result(Future<T> f, Duration timeout) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Waits until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    value(what, timeout, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
  }

  /** Waits until {@code probe} answers non-null, and answers that. */
  public static <T> T value(String what, Duration timeout, Supplier<T> probe) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      T v = probe.get();
      if (v != null) {
        return v;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
