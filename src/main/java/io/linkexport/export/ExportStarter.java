package io.linkexport.export;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Failures;
import io.linkexport.bus.ServiceException;
import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start transaction of an export: serialise the project's starts, replay an Idempotency-Key, check the limits,
 * insert the job. It must finish well before the caller's bus timeout, or not at all: when the deadline passes first
 * its statement is cancelled and the transaction rolls back, so a caller told 503 never finds a job it did not get.
 * Every statement in it is also bounded by the pool's {@code lock_timeout}.
 */
final class ExportStarter {

  /** A job and whether this request created it (false: replayed for its Idempotency-Key). */
  record Started(Job job, boolean created) {
  }

  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final Pool pool;
  private final JobStore jobs;
  private final int maxAttempts;
  private final int hourlyLimit;
  private final long deadlineMs;

  ExportStarter(Pool pool, int maxAttempts, int hourlyLimit, long deadlineMs) {
    this.pool = pool;
    this.jobs = new JobStore(pool);
    this.maxAttempts = maxAttempts;
    this.hourlyLimit = hourlyLimit;
    this.deadlineMs = deadlineMs;
  }

  Future<Started> start(JobStore.NewJob job) {
    return pool.withTransaction(conn -> inTransaction(conn, job)
        .timeout(deadlineMs, TimeUnit.MILLISECONDS)
        .onFailure(err -> {
          if (err instanceof TimeoutException) {
            // the statement under way (a lock wait) ends now, so the rollback and the 503 come at once
            PgConnection.cast(conn).cancelRequest();
          }
        }))
      .recover(err -> Future.failedFuture(translate(err)));
  }

  private static Throwable translate(Throwable err) {
    if (Failures.hasSqlState(err, Failures.UNIQUE_VIOLATION)) {
      return new ServiceException(ErrorCode.EXPORT_IN_PROGRESS, "Another export of this project was started at the "
        + "same moment; wait for it to finish or cancel it.");
    }
    if (err instanceof TimeoutException || Failures.hasSqlState(err, LOCK_NOT_AVAILABLE)) {
      return new ServiceException(ErrorCode.UNAVAILABLE, "The export could not be started in time: the database is "
        + "busy with this project. No export was created; try again shortly.").retryAfter(2);
    }
    return err;
  }

  private Future<Started> inTransaction(SqlConnection conn, JobStore.NewJob job) {
    UUID project = job.projectId();
    String key = job.idempotencyKey();
    return conn.preparedQuery(SqlStatements.get("job_start_lock")).execute(Tuple.of(project))
      .compose(v -> key == null ? Future.succeededFuture((Job) null) : jobs.findByIdempotencyKey(conn, project, key))
      .compose(previous -> previous != null ? replay(previous, job)
        : conn.preparedQuery(SqlStatements.get("job_start_guard")).execute(Tuple.of(project))
          .compose(guard -> checkLimits(guard.iterator().next()))
          .compose(v -> jobs.create(conn, job, maxAttempts))
          .map(created -> new Started(created, true)));
  }

  /**
   * The same key with the same filters and file options is the same request; with other ones it is a client bug
   * (Stripe: 422).
   */
  private static Future<Started> replay(Job previous, JobStore.NewJob job) {
    boolean same = previous.filters().equals(job.filters())
      && previous.options().toJson().equals(job.options().toJson());
    return same ? Future.succeededFuture(new Started(previous, false))
      : Future.failedFuture(new ServiceException(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used for "
        + "an export with other filters or file options (job " + previous.id() + "); use a new key for a new export.",
        "Idempotency-Key", 0));
  }

  private Future<Void> checkLimits(Row guard) {
    UUID active = guard.getUUID("active_id");
    if (active != null) {
      return Future.failedFuture(new ServiceException(ErrorCode.EXPORT_IN_PROGRESS, "An export of this project is "
        + "already running (job " + active + "). Wait for it to finish or cancel it before starting another."));
    }
    long lastHour = guard.getLong("last_hour");
    if (lastHour >= hourlyLimit) {
      Integer retry = guard.getInteger("retry_after");
      return Future.failedFuture(new ServiceException(ErrorCode.RATE_LIMITED, "This project started " + lastHour
        + " exports in the last hour, the most allowed. Try again later.")
        .retryAfter(retry == null ? 60 : retry));
    }
    return Future.succeededFuture();
  }
}
