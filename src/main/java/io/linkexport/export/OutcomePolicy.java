package io.linkexport.export;

import io.linkexport.bus.Failures;
import io.linkexport.bus.ServiceException;
import io.linkexport.retry.Backoff;
import io.linkexport.storage.StorageException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.TransactionRollbackException;

import java.util.Set;

/**
 * Decides what a failed attempt means for its job: stopped (someone else owns it now), failed for good (a permanent
 * reason, or the last attempt), or retried after a {@link Backoff} delay. Transient unless known better: a storage
 * hiccup or a database restart deserve another attempt. Hand-backs (a node shutting down gave the job away) are not
 * attempts: the attempts compared with {@code max_attempts} are {@link Job#attemptsUsed()}, and hand-backs have their
 * own bound ({@code EXPORT_MAX_HAND_BACKS}), so rolling restarts cannot exhaust a healthy job. Pure logic.
 */
final class OutcomePolicy {

  private static final String INVALID_FILTER = "INVALID_FILTER";

  private final Backoff backoff;
  private final int maxHandBacks;

  OutcomePolicy(Backoff backoff, int maxHandBacks) {
    this.backoff = backoff;
    this.maxHandBacks = maxHandBacks;
  }

  /**
   * A job that must not run again: claimed past its attempts (every attempt died without recording a failure), or
   * handed back more than {@code EXPORT_MAX_HAND_BACKS} times (its nodes keep shutting down under it).
   */
  Outcome.Failed exhausted(Job job) {
    if (job.handBacks() > maxHandBacks) {
      return new Outcome.Failed("HAND_BACKS_EXHAUSTED", "The export was interrupted " + job.handBacks()
        + " times by servers shutting down and was stopped. Please try again later.");
    }
    return job.attemptsUsed() > job.maxAttempts()
      ? new Outcome.Failed("ATTEMPTS_EXHAUSTED", "The export could not be completed after " + job.maxAttempts()
        + " attempts. Please try again later.")
      : null;
  }

  /** The outcome of an attempt that failed with {@code err}; {@code stopped} when it was stopped on purpose. */
  Outcome decide(Job job, Throwable err, boolean stopped) {
    if (stopped || causedBy(err, UploadSink.StoppedException.class)) {
      return new Outcome.Stopped(String.valueOf(err.getMessage()));
    }
    ExportFailure failure = classify(err);
    if (failure.permanent()) {
      return new Outcome.Failed(failure.code(), failure.getMessage());
    }
    int used = job.attemptsUsed();
    if (used >= job.maxAttempts()) {
      // a request this version cannot run is not worth trying later (the email offers a new export)
      return new Outcome.Failed(failure.code(), INVALID_FILTER.equals(failure.code())
        ? "The export's " + failure.getMessage() + "."
        : "The export could not be completed after " + used + " attempts (" + failure.getMessage()
          + "). Please try again later.");
    }
    return new Outcome.Retry(failure.code(), backoff.delaySeconds(used), err);
  }

  static ExportFailure classify(Throwable err) {
    if (err instanceof ExportFailure f) {
      return f;
    }
    if (err instanceof StorageException se) {
      return new ExportFailure("STORAGE_ERROR", "file storage is unavailable", !se.retryable());
    }
    if (err instanceof ServiceException se && se.status() == 400) {
      // the stored request does not parse here: queued by an older version that accepted it, or by a newer one during
      // a rolling deploy, which another node may run; so retried like any failure, and failed with this code at last
      return new ExportFailure(INVALID_FILTER, "request is not valid here: " + se.getMessage(), false);
    }
    if (err instanceof PgException pg && Failures.BAD_REQUEST_STATE.equals(pg.getSqlState())) {
      // the request became invalid after the job was created (months archived since): no attempt can succeed
      return new ExportFailure(INVALID_FILTER, pg.getErrorMessage(), true);
    }
    if (err.getCause() != null && err.getCause() != err) {
      ExportFailure inner = classify(err.getCause());
      if (!"TRANSIENT_ERROR".equals(inner.code())) {
        return inner;
      }
    }
    return new ExportFailure("TRANSIENT_ERROR", "a temporary error interrupted it", false);
  }

  /**
   * Whether a failed completion certainly did not commit: Postgres answered with an error, which rolls the
   * transaction back. Without an answer (a lost connection) the commit may have succeeded unseen, and so it may with
   * an error that ends the session (classes 08, 57, 58, XX: a backend stopped right after its commit says so too).
   */
  static boolean certainlyNotCommitted(Throwable err) {
    if (err instanceof TransactionRollbackException) {
      return true;
    }
    if (!(err instanceof DatabaseException db) || db.getSqlState() == null) {
      return false;
    }
    String sqlClass = db.getSqlState().length() < 2 ? "" : db.getSqlState().substring(0, 2);
    return !Set.of("08", "57", "58", "XX").contains(sqlClass);
  }

  static boolean causedBy(Throwable err, Class<? extends Throwable> type) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
