package io.linkexport.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Recomputes the rollups ({@code link_stats} and its helper tables) from the raw events. The triggers of V2 keep
 * them exact; this is the repair path ({@code java -jar link-export.jar rebuild-stats}) after a bug, a restore or a
 * bulk load done with the triggers off. It is safe while events are being written: it takes the same per-link locks
 * as the triggers, so concurrent writers are either counted by the rebuild or applied on top of it. The database
 * refuses it once months were archived (V13: the rollups hold the only record of the archived events).
 */
public final class StatsRebuilder {

  private static final Logger LOG = LoggerFactory.getLogger(StatsRebuilder.class);

  private StatsRebuilder() {
  }

  /**
   * Rebuilds the rollups of one project, or of every project when {@code projectIdOrNull} is null, in one
   * transaction (a single statement); completes with the number of links rebuilt.
   */
  public static Future<Long> rebuild(Pool pool, UUID projectIdOrNull) {
    long started = System.nanoTime();
    return pool.preparedQuery(SqlStatements.get("rebuild_stats"))
      .execute(Tuple.of(projectIdOrNull))
      .map(rows -> rows.iterator().next().getLong("rebuilt"))
      .onSuccess(n -> LOG.info("rebuilt stats of {} links (project {}) in {} ms", n,
        projectIdOrNull == null ? "all" : projectIdOrNull, (System.nanoTime() - started) / 1_000_000));
  }
}
