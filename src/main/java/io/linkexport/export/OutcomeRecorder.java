package io.linkexport.export;

import io.linkexport.telemetry.ServiceMeters;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes how an attempt ended to the job table, every write fenced by the attempt: completed (with its one email, in
 * the same transaction), failed for good (likewise), released for a retry, or nothing (stopped). Publishes
 * the job's event and wakes the mail verticle after a final state.
 */
record OutcomeRecorder(JobStore jobs, ExportEvents events, ServiceMeters meters) {

  private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);

  /**
   * Records a completed attempt. When the fence no longer holds (cancelled or rescued meanwhile), the attempt's
   * object must not linger: its clean-up deletes it. Fails when the job table could not be written; the caller then
   * cleans up, which deletes the object too, unless the commit may have succeeded unseen (the object may be the job's
   * file: it is kept, and left to the janitor's sweep should no job reference it).
   */
  Future<Void> completed(ExportAttempt attempt, AttemptResult r, long startedNanos) {
    Job job = attempt.job();
    long recording = System.nanoTime();
    return jobs.complete(job, r).recover(err -> {
      if (!OutcomePolicy.certainlyNotCommitted(err)) {
        LOG.warn("export {} attempt {}: the completion's commit may have succeeded unseen ({}); keeping its object",
          job.id(), job.attempt(), err.toString());
        attempt.keepObject();
      }
      return Future.failedFuture(err);
    }).compose(done -> {
      if (done == null) {
        LOG.info("export {} attempt {} finished but no longer owns the job; deleting its object", job.id(),
          job.attempt());
        return attempt.cleanUp();
      }
      long ms = (System.nanoTime() - startedNanos) / 1_000_000;
      LOG.info("export {} completed: project {}, {} rows, {} files, {} bytes, {} ms ({} rows/s; count {} ms, create"
          + " upload {} ms, stream {} ms (reading {} ms, encoding {} ms, yielding to list pages {} ms, {} batches; the"
          + " rest waits for part uploads), record {} ms)", done.id(), done.projectId(), r.rows(), r.files().size(),
        r.bytes(), ms, ms == 0 ? r.rows() : r.rows() * 1000 / ms, r.countMs(),
        r.createUploadMs(), r.streamMs(), r.readMs(), r.encodeMs(), r.pausedMs(), r.batches(),
        (System.nanoTime() - recording) / 1_000_000);
      events.changed(done.event());
      events.mailQueued();
      meters.exportCompleted(r.rows(), r.bytes(), sinceCreated(done));
      return Future.succeededFuture();
    });
  }

  /** Records a failed attempt's outcome. Never fails: if the job table cannot be written, the lease expires. */
  Future<Void> failed(Job job, Outcome outcome) {
    Future<Void> written;
    if (outcome instanceof Outcome.Failed f) {
      written = jobs.fail(job, f.code(), f.message()).map(failed -> {
        if (failed != null) {
          LOG.warn("export {} failed (project {}): {} ({})", job.id(), job.projectId(), f.code(), f.message());
          events.changed(failed.event());
          events.mailQueued();
          meters.exportFailed(f.code(), sinceCreated(failed));
        }
        return null;
      });
    } else if (outcome instanceof Outcome.Retry r) {
      LOG.warn("export {} attempt {} failed ({}), retrying in {} s: {}", job.id(), job.attempt(), r.code(),
        String.format("%.1f", r.delaySeconds()), r.cause().toString());
      written = jobs.retryLater(job, r.code(), r.delaySeconds()).mapEmpty();
    } else {
      LOG.info("export {} attempt {} stopped: {}", job.id(), job.attempt(), ((Outcome.Stopped) outcome).reason());
      written = Future.succeededFuture();
    }
    return written.recover(e -> {
      LOG.error("export {} attempt {} could not record its failure; the lease will expire and it will be retried",
        job.id(), job.attempt(), e);
      return Future.succeededFuture();
    });
  }

  private static java.time.Duration sinceCreated(Job job) {
    return job.createdAt() == null ? java.time.Duration.ZERO
      : java.time.Duration.between(job.createdAt().toInstant(), java.time.Instant.now());
  }
}
