package io.linkexport.export;

import java.time.Duration;

/**
 * How far a job is, as its status and events show it: {@code progress}, the fraction of the snapshot's links written
 * (0 to 1), and {@code etaSeconds}, the time left at the rate the current attempt has written so far: null until it
 * can be estimated (no count yet, or no row written since it). Plain logic, without a clock of its own.
 */
record Progress(double progress, Long etaSeconds) {

  static final Progress DONE = new Progress(1.0, 0L);

  /**
   * From what the job table or a running attempt knows: the status, the count (null before it), the rows written,
   * and the time since the attempt counted (null before).
   */
  static Progress of(String status, Long rowCount, long rowsWritten, Duration sinceCount) {
    if ("completed".equals(status)) {
      return DONE;
    }
    if (rowCount == null) {
      return new Progress(0, null);
    }
    double fraction = rowCount == 0 ? 1.0 : Math.min(1.0, (double) rowsWritten / rowCount);
    Long eta = null;
    if ("processing".equals(status) && sinceCount != null && rowsWritten > 0 && !sinceCount.isNegative()) {
      long left = Math.max(0, rowCount - rowsWritten);
      eta = (long) Math.ceil(left * (sinceCount.toMillis() / 1000.0) / rowsWritten);
    }
    return new Progress(fraction, eta);
  }
}
