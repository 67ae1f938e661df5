package io.linkexport.export;

import io.linkexport.db.SqlStatements;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletes export files older than the retention and marks their jobs expired (reads then answer 410 Gone); deletes
 * expired job rows after another retention period. One runner at a time in a cluster: each round holds a
 * transaction-scoped advisory lock, and a node that does not get it skips the round. Object deletion is idempotent,
 * so a round interrupted half-way is simply finished by the next one.
 */
public final class RetentionJanitor {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionJanitor.class);
  private static final long LOCK_KEY = 0x6c655f6a616e69L; // "le_jani"
  private static final int BATCH = 200;

  /** The first round runs this soon after start (or after one period, if shorter). */
  private static final long FIRST_ROUND_MS = 60_000;

  private final Pool pool;
  private final S3Storage storage;
  private final int retentionDays;
  private long timer = -1;

  public RetentionJanitor(Pool pool, S3Storage storage, int retentionDays) {
    this.pool = pool;
    this.storage = storage;
    this.retentionDays = retentionDays;
  }

  /** Runs a round every {@code periodMs} on this node (rounds of several nodes exclude each other). */
  public void schedule(Vertx vertx, long periodMs) {
    timer = vertx.setPeriodic(Math.min(FIRST_ROUND_MS, periodMs), periodMs,
      id -> runOnce().onFailure(err -> LOG.warn("retention round failed: {}", err.getMessage())));
  }

  public void cancel(Vertx vertx) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Aborts uploads that failed jobs could not abort themselves; the bucket's lifecycle rule is the last resort. */
  private Future<Void> abortLeftovers(SqlConnection conn) {
    return conn.preparedQuery(SqlStatements.get("job_leftover_uploads")).execute(Tuple.of(BATCH)).compose(rows -> {
      List<Future<Void>> aborts = new ArrayList<>();
      for (Row r : rows) {
        aborts.add(storage.abortMultipartUpload(r.getString("object_key"), r.getString("upload_id"))
          .compose(v -> conn.preparedQuery(SqlStatements.get("job_clear_upload"))
            .execute(Tuple.of(r.getUUID("id"), r.getString("upload_id"))).<Void>mapEmpty()));
      }
      return Future.join(aborts).<Void>mapEmpty().otherwiseEmpty();
    });
  }

  /** One round; completes with the number of exports expired (0 when another node holds the lock). */
  public Future<Integer> runOnce() {
    return pool.withTransaction(conn -> conn.query("SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")").execute()
      .compose(lock -> {
        if (!lock.iterator().next().getBoolean(0)) {
          return Future.succeededFuture(0);
        }
        return conn.preparedQuery(SqlStatements.get("job_expire_due")).execute(Tuple.of(retentionDays, BATCH))
          .compose(due -> {
            List<Future<Void>> deletions = new ArrayList<>();
            for (Row r : due) {
              String key = r.getString("object_key");
              Future<Void> deleted = key == null ? Future.succeededFuture() : storage.deleteObject(key);
              deletions.add(deleted.compose(v -> conn.preparedQuery(SqlStatements.get("job_mark_expired"))
                .execute(Tuple.of(r.getUUID("id"))).<Void>mapEmpty()));
            }
            // One failed deletion must not stop the others; the failed ones stay due for the next round.
            return Future.join(deletions).transform(ar -> Future.succeededFuture(
              (int) deletions.stream().filter(Future::succeeded).count()));
          })
          .compose(n -> abortLeftovers(conn).map(n))
          .compose(n -> conn.preparedQuery(SqlStatements.get("job_delete_expired")).execute(Tuple.of(retentionDays))
            .map(deleted -> {
              if (n > 0 || deleted.rowCount() > 0) {
                LOG.info("retention: expired {} exports older than {} days, deleted {} old job rows", n,
                  retentionDays, deleted.rowCount());
              }
              return n;
            }));
      }));
  }
}
