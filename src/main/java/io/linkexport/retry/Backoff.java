package io.linkexport.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The one retry delay policy, for export attempts, S3 requests and emails: exponential ({@code base * 2^(n-1)} for
 * the n-th retry), capped at {@code max}, then shortened by a random part of up to {@code jitter} of itself
 * (0 = exact; 1 = "full jitter", uniform in (0, ceiling]), so that workers failing together do not retry together.
 * The random source is injectable ({@link #withRandom}); the delay is all it computes: when a retry is due is decided
 * by the clock that schedules it (the database's for jobs and emails, a Vert.x timer for S3 requests).
 */
public final class Backoff {

  private final Duration base;
  private final Duration max;
  private final double jitter;
  private final DoubleSupplier random;

  private Backoff(Duration base, Duration max, double jitter, DoubleSupplier random) {
    if (base.isNegative() || base.isZero() || max.compareTo(base) < 0 || jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("bad backoff: base " + base + ", max " + max + ", jitter " + jitter);
    }
    this.base = base;
    this.max = max;
    this.jitter = jitter;
    this.random = random;
  }

  public static Backoff of(Duration base, Duration max, double jitter) {
    return new Backoff(base, max, jitter, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The same policy with {@code random} (values in [0, 1)) instead of a thread-local random: for tests. */
  public Backoff withRandom(DoubleSupplier random) {
    return new Backoff(base, max, jitter, random);
  }

  /** The delay before retry number {@code retry} (1 for the first retry); never less than a millisecond. */
  public Duration delay(int retry) {
    double ceiling = Math.min(max.toMillis(), base.toMillis() * Math.pow(2, Math.max(0, retry - 1)));
    double delay = ceiling * (1 - jitter * random.getAsDouble());
    return Duration.ofMillis(Math.max(1, Math.round(delay)));
  }

  /** {@link #delay} in seconds, as the SQL that schedules a retry takes it. */
  public double delaySeconds(int retry) {
    return delay(retry).toMillis() / 1000.0;
  }
}
