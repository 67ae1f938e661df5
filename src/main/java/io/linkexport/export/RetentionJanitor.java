package io.linkexport.export;

import io.linkexport.db.SqlStatements;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Retention is a promise: after it, no byte of an export remains. Each round deletes export files older than the
 * retention and marks their jobs expired (reads then answer 410 Gone), aborts uploads that failed jobs could not
 * abort, sweeps objects and uploads under {@code exports/} that no job references ({@link OrphanSweep}), and deletes
 * expired job rows after another retention period. One runner at a time in a cluster: each round holds a
 * transaction-scoped advisory lock, and a node that does not get it skips the round. Every step is idempotent, so a
 * round interrupted half-way is simply finished by the next one. S3 calls run inside the transaction, so every step
 * is bounded (batches of {@value #BATCH} jobs, pages of {@value #SWEEP_PAGE} keys).
 */
public final class RetentionJanitor {

  /** What a round did; {@code ran} is false when another node held the round. */
  public record Round(boolean ran, int expired, int objectsListed, int objectsDeleted, int uploadsListed,
                      int uploadsAborted) {
    static final Round SKIPPED = new Round(false, 0, 0, 0, 0, 0);
  }

  private static final Logger LOG = LoggerFactory.getLogger(RetentionJanitor.class);
  private static final long LOCK_KEY = 0x6c655f6a616e69L; // "le_jani"
  private static final int BATCH = 200;
  private static final int SWEEP_PAGE = 1_000;
  /** An attempt records its upload right after creating it: an older unrecorded upload is an orphan. */
  private static final Duration UPLOAD_MIN_AGE = Duration.ofHours(1);

  /** The first round runs this soon after start (or after one period, if shorter). */
  private static final long FIRST_ROUND_MS = 60_000;

  private final Pool pool;
  private final S3Storage storage;
  private final Duration retention;
  private final OrphanSweep sweep;
  private long timer = -1;

  public RetentionJanitor(Pool pool, S3Storage storage, Duration retention) {
    this(pool, storage, retention, new OrphanSweep(storage, SWEEP_PAGE, UPLOAD_MIN_AGE, Clock.systemUTC()));
  }

  /** With a sweep of its own (tests: small pages, no minimum upload age). */
  RetentionJanitor(Pool pool, S3Storage storage, Duration retention, OrphanSweep sweep) {
    if (retention.isNegative()) {
      throw new IllegalArgumentException("retention must not be negative: " + retention);
    }
    this.pool = pool;
    this.storage = storage;
    this.retention = retention;
    this.sweep = sweep;
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

  /** One round; {@link Round#SKIPPED} when another node holds the lock. */
  public Future<Round> runOnce() {
    return pool.withTransaction(conn -> conn.query("SELECT pg_try_advisory_xact_lock(" + LOCK_KEY + ")").execute()
      .compose(lock -> lock.iterator().next().getBoolean(0) ? round(conn) : Future.succeededFuture(Round.SKIPPED)));
  }

  private Future<Round> round(SqlConnection conn) {
    double seconds = retention.toMillis() / 1000.0;
    return expireDue(conn, seconds)
      .compose(expired -> abortLeftovers(conn).map(expired))
      .compose(expired -> sweep.run(conn)
        .otherwise(err -> {
          LOG.warn("retention: the sweep of unreferenced exports failed (the next round goes on): {}",
            err.getMessage());
          return OrphanSweep.Result.NONE;
        })
        .map(s -> new Round(true, expired, s.objectsListed(), s.objectsDeleted(), s.uploadsListed(),
          s.uploadsAborted())))
      .compose(round -> conn.preparedQuery(SqlStatements.get("job_delete_expired")).execute(Tuple.of(seconds))
        .map(deleted -> {
          if (round.expired() > 0 || deleted.rowCount() > 0) {
            LOG.info("retention: expired {} exports older than {}, deleted {} old job rows", round.expired(),
              retention.toSeconds() % 86_400 == 0 ? retention.toDays() + " days" : retention, deleted.rowCount());
          }
          return round;
        }));
  }

  /** Deletes the files of finished exports past the retention and marks them expired; answers how many. */
  private Future<Integer> expireDue(SqlConnection conn, double seconds) {
    return conn.preparedQuery(SqlStatements.get("job_expire_due")).execute(Tuple.of(seconds, BATCH)).compose(due -> {
      List<Future<Void>> deletions = new ArrayList<>();
      for (Row r : due) {
        Future<Void> deleted = Future.succeededFuture();
        for (String key : keys(r)) {
          deleted = deleted.compose(v -> storage.deleteObject(key));
        }
        deletions.add(deleted.compose(v -> conn.preparedQuery(SqlStatements.get("job_mark_expired"))
          .execute(Tuple.of(r.getUUID("id"))).<Void>mapEmpty()));
      }
      // One failed deletion must not stop the others; the failed ones stay due for the next round.
      return Future.join(deletions).transform(ar -> Future.succeededFuture(
        (int) deletions.stream().filter(Future::succeeded).count()));
    });
  }

  /** Every object of a due job: its download and each of its files (a split job's data files and manifest). */
  private static Set<String> keys(Row r) {
    Set<String> keys = new LinkedHashSet<>();
    Object files = r.getValue("files");
    if (files instanceof JsonArray list) {
      for (int i = 0; i < list.size(); i++) {
        keys.add(list.getJsonObject(i).getString("key"));
      }
    }
    if (r.getString("object_key") != null) {
      keys.add(r.getString("object_key"));
    }
    keys.remove(null);
    return keys;
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
}
