package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.ServiceException;
import io.linkexport.storage.S3Storage;
import io.linkexport.telemetry.ServiceMeters;
import io.linkexport.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one export worker: claim the next due job, run one {@link ExportAttempt} of it while a heartbeat keeps
 * its lease (and checks for stalls, and publishes progress), record how it ended, claim the next. On shutdown it
 * stops claiming, lets the running attempt finish for a grace period, then hands its job back: the attempt stops,
 * its upload is aborted and its lease released, so another node claims the job at once; a claim that answers during
 * the shutdown is released at once. A hand-back is not a failed attempt ({@link Job#attemptsUsed()}). Runs on one
 * context.
 */
final class ExportWorker {

  private static final Logger LOG = LoggerFactory.getLogger(ExportWorker.class);

  private final Vertx vertx;
  private final Pool pool;
  private final JobStore jobs;
  private final S3Storage storage;
  private final AppConfig config;
  private final String workerId;
  private final OutcomePolicy policy;
  private final OutcomeRecorder recorder;
  private final ExportEvents events;
  private final ServiceMeters meters;
  private boolean busy;
  private boolean stopping;
  private Future<Void> current = Future.succeededFuture();
  private volatile ExportAttempt running;
  private final ReadResources reads;

  ExportWorker(Vertx vertx, Pool pool, S3Storage storage, AppConfig config, String workerId, OutcomePolicy policy,
    ReadResources reads) {
    this.reads = reads;
    this.vertx = vertx;
    this.pool = pool;
    this.jobs = new JobStore(pool);
    this.storage = storage;
    this.config = config;
    this.workerId = workerId;
    this.policy = policy;
    this.events = new ExportEvents(vertx.eventBus());
    this.meters = Telemetry.meters(vertx);
    this.recorder = new OutcomeRecorder(jobs, events, meters);
  }

  /** Claims and runs jobs until none is due; a call while busy or stopping is a no-op. */
  void claimNext() {
    if (busy || stopping) {
      return;
    }
    busy = true;
    Future<Boolean> round = jobs.claim(workerId, config.exportLeaseSeconds()).compose(this::runClaimed);
    // What stop() waits for: the claim under way, then the attempt or the hand-back it led to.
    current = round.<Void>mapEmpty().otherwiseEmpty();
    round.onComplete(ar -> {
      busy = false;
      if (ar.failed()) {
        LOG.warn("worker {} could not claim a job: {}", workerId, ar.cause().getMessage());
      } else if (ar.result()) {
        claimNext();
      }
    });
  }

  /**
   * Runs what a claim answered. A claim that answers once stop() began must not start an attempt (its pool is about
   * to close and the job would wait out its lease): the job is handed back at once, which costs it no attempt.
   */
  private Future<Boolean> runClaimed(JobStore.Claim claim) {
    Job job = claim == null ? null : claim.job();
    if (job == null) {
      return Future.succeededFuture(false);
    }
    if (stopping) {
      LOG.info("export {} claimed (attempt {}) while worker {} was stopping; handing it back at once", job.id(),
        job.attempt(), workerId);
      return handBack(job).map(false);
    }
    meters.attemptStarted(claim.rescued());
    return run(job, claim.unreadable()).map(true);
  }

  /**
   * Runs the claimed job to its next state; never fails (every outcome is written to the job table). A job whose
   * stored file options do not parse here ({@code unreadable}) fails its attempt with that 400.
   */
  private Future<Void> run(Job job, ServiceException unreadable) {
    long started = System.nanoTime();
    LOG.info("export {} attempt {} started (project {})", job.id(), job.attempt(), job.projectId());
    events.changed(job.event());
    ExportAttempt attempt = new ExportAttempt(job, pool, jobs, storage, config, events::progress,
      reads.replicas().current(), reads);
    running = attempt;
    long heartbeat = vertx.setPeriodic(heartbeatMs(), id -> heartbeat(attempt));
    Outcome.Failed exhausted = policy.exhausted(job);
    // attempt.run() is called inside compose: a throw while it sets up (stored filters this version does not parse)
    // fails the attempt like any failure, instead of escaping with the heartbeat timer still set
    Future<Void> ran = exhausted != null
      ? attempt.abortPrevious().transform(ar -> recorder.failed(job, exhausted))
      : Future.<Void>succeededFuture()
        .compose(v -> unreadable != null ? Future.<AttemptResult>failedFuture(unreadable) : attempt.run())
        .compose(result -> recorder.completed(attempt, result, started))
        .recover(err -> attempt.cleanUp()
          .compose(v -> recorder.failed(job, policy.decide(job, err, attempt.stopped()))));
    return ran
      .compose(v -> attempt.handedBack() ? handBack(job) : Future.succeededFuture())
      .eventually(() -> {
        vertx.cancelTimer(heartbeat);
        running = null;
        return Future.succeededFuture();
      });
  }

  /** Renews the lease and records progress; a lease that did not renew stops the attempt. */
  private void heartbeat(ExportAttempt attempt) {
    attempt.checkStall();
    long rows = attempt.rows();
    jobs.heartbeat(attempt.job(), workerId, config.exportLeaseSeconds(), rows).onComplete(ar -> {
      if (ar.succeeded() && !ar.result()) {
        attempt.stop("the export was cancelled or taken over by another worker");
      } else if (ar.succeeded()) {
        events.progress(attempt);
      }
    });
  }

  private int heartbeatMs() {
    return Math.max(500, Math.min(2_000, config.exportLeaseSeconds() * 1000 / 3));
  }

  private Future<Void> handBack(Job job) {
    return jobs.release(job, workerId).map(released -> {
      if (released) {
        LOG.info("export {} attempt {} handed back (node shutting down; hand-back {})", job.id(), job.attempt(),
          job.handBacks() + 1);
        events.wakeWorkers();
      }
      return null;
    });
  }

  /**
   * Stops claiming; lets the running export finish for {@code EXPORT_STOP_GRACE_MS}, then hands it back. Bounded:
   * after a further {@code EXPORT_HAND_BACK_MS} it completes regardless, and the lease expiry covers what is left.
   */
  Future<Void> stop() {
    stopping = true;
    LOG.info("worker {} stopping ({})", workerId, running != null ? "an export is running"
      : busy ? "a claim is under way" : "idle");
    Promise<Void> done = Promise.promise();
    long grace = Math.max(1, config.exportStopGraceMillis());
    long handBack = vertx.setTimer(grace, id -> {
      ExportAttempt a = running;
      if (a != null) {
        a.handBack();
      }
    });
    long giveUp = vertx.setTimer(grace + config.exportHandBackMillis(), id -> done.tryComplete());
    current.onComplete(ar -> {
      vertx.cancelTimer(handBack);
      vertx.cancelTimer(giveUp);
      done.tryComplete();
    });
    return done.future();
  }
}
