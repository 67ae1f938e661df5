package io.linkexport.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The delays between a delivery's attempts ({@code WEBHOOK_RETRY_SCHEDULE}): the first attempt at once, the n-th
 * retry after the n-th delay, given up after the last. The default, {@code 5s,1m,5m,30m,1h,2h,4h,8h,8h}, retries for
 * 23 h 36 min ("for a day") in 10 attempts, and its longest gap is 8 h, so a receiver that is down for an hour or
 * a few at any time in that day still gets the event (RetryScheduleTest).
 */
public record RetrySchedule(List<Duration> delays) {

  /** Parses a comma-separated list of durations, each a number with a unit: ms, s, m or h. */
  public static RetrySchedule parse(String spec) {
    List<Duration> out = new ArrayList<>();
    for (String raw : spec.split(",")) {
      String s = raw.trim().toLowerCase(Locale.ROOT);
      int unitAt = 0;
      while (unitAt < s.length() && Character.isDigit(s.charAt(unitAt))) {
        unitAt++;
      }
      if (unitAt == 0 || unitAt > 9) {
        throw new IllegalArgumentException("a retry delay must be a number with a unit (ms, s, m, h): " + raw);
      }
      long n = Long.parseLong(s.substring(0, unitAt));
      out.add(switch (s.substring(unitAt)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> throw new IllegalArgumentException("unknown unit in retry delay " + raw + " (ms, s, m, h)");
      });
    }
    return new RetrySchedule(List.copyOf(out));
  }

  /** Attempts a delivery gets in all. */
  public int maxAttempts() {
    return delays.size() + 1;
  }

  /** Seconds to wait after the {@code attempt}-th attempt failed (1-based), or null when it was the last. */
  public Double delaySeconds(int attempt) {
    return attempt >= 1 && attempt <= delays.size() ? delays.get(attempt - 1).toMillis() / 1000.0 : null;
  }

  /** The offsets of every attempt from the first (the first is zero). */
  public List<Duration> attemptOffsets() {
    List<Duration> out = new ArrayList<>(List.of(Duration.ZERO));
    Duration at = Duration.ZERO;
    for (Duration d : delays) {
      at = at.plus(d);
      out.add(at);
    }
    return out;
  }
}
