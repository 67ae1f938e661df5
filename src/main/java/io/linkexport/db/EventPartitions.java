package io.linkexport.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;

/**
 * The monthly partitions of the raw event tables (V13): every node creates the coming months' partitions at start and
 * every few hours (the database makes concurrent nodes take turns), so an event never waits for a partition; the
 * operator archives old months ({@code archive-events}), after which a metrics window must start in the history
 * that is kept.
 */
public final class EventPartitions {

  /** Months are created three ahead, so a round that fails (the database down for days) has weeks to be retried. */
  public static final long PERIOD_MS = 6 * 3_600_000L;
  private static final long FIRST_ROUND_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(EventPartitions.class);

  private EventPartitions() {
  }

  /** Creates the missing partitions of the previous, this and the next three UTC months; the number created. */
  public static Future<Integer> ensure(Pool pool) {
    return pool.query("SELECT event_partitions_ensure()").execute()
      .map(rows -> rows.iterator().next().getInteger(0))
      .onSuccess(n -> {
        if (n > 0) {
          LOG.info("created {} monthly event partitions", n);
        }
      });
  }

  /** Runs {@link #ensure} soon and then every {@code periodMs}; answers the timer, to cancel on stop. */
  public static long schedule(Vertx vertx, Pool pool, long periodMs) {
    return vertx.setPeriodic(Math.min(FIRST_ROUND_MS, periodMs), periodMs, id -> ensure(pool)
      .onFailure(err -> LOG.warn("creating the coming months' event partitions failed (retried in {} min): {}",
        periodMs / 60_000, err.getMessage())));
  }

  /**
   * Detaches the event partitions of the months before {@code before} (the first day of a month, at most the previous
   * month's) and records it as the start of the kept history; the number of partitions detached.
   */
  public static Future<Integer> archive(Pool pool, LocalDate before) {
    return pool.preparedQuery("SELECT event_history_archive($1)").execute(Tuple.of(before))
      .map(rows -> rows.iterator().next().getInteger(0));
  }
}
