package io.linkexport.db;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * How stale a read replica may be, from WAL positions rather than replay timestamps (an idle primary makes
 * {@code pg_last_xact_replay_timestamp()} age although nothing is missing). The primary's insert position read at
 * time t covers the commit record of every transaction acknowledged before t; a replica that has replayed up to that
 * position sees all of them. So the replica misses at most what was committed after the latest such t: its lag is
 * now - t (0 when it has replayed the newest position). With no such t known it is unusable (infinite lag).
 */
public final class ReplicaLag {

  /** Lag of a replica whose position is not known (down, not checked yet, behind all remembered positions). */
  public static final long UNKNOWN = Long.MAX_VALUE;

  /** {time millis, primary insert LSN}, oldest first. */
  private final ArrayDeque<long[]> positions = new ArrayDeque<>();
  private final long keepMillis;

  /** @param keepMillis how long primary positions are remembered: beyond it the lag is too large to matter */
  public ReplicaLag(long keepMillis) {
    this.keepMillis = keepMillis;
  }

  /** The primary's WAL insert position read by a query sent at {@code timeMillis}. */
  public synchronized void primaryAt(long timeMillis, long lsn) {
    positions.addLast(new long[] {timeMillis, lsn});
    while (positions.size() > 1 && positions.peekFirst()[0] < timeMillis - keepMillis) {
      positions.removeFirst();
    }
  }

  /** How many milliseconds of commits a replica replayed up to {@code replayLsn} may miss at {@code nowMillis}. */
  public synchronized long lagMillis(long nowMillis, long replayLsn) {
    Iterator<long[]> newestFirst = positions.descendingIterator();
    while (newestFirst.hasNext()) {
      long[] p = newestFirst.next();
      if (p[1] <= replayLsn) {
        return Math.max(0, nowMillis - p[0]);
      }
    }
    return UNKNOWN;
  }
}
