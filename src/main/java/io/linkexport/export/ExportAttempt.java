package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.ReadReplicas;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkQuery;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One attempt of one export, from one consistent snapshot (a read-only REPEATABLE READ transaction): abort what a
 * previous attempt left in S3, count the matching links against the caps and plan the files ({@link ExportPlanner}),
 * record the count on the job, write each file in turn ({@link FileWriter}) and, for a split export, the manifest.
 * Answers the {@link AttemptResult}; on failure the caller runs {@link #cleanUp} and records the outcome. The
 * snapshot's connection is closed with the attempt, within a bounded time even when it is stuck.
 */
final class ExportAttempt {

  private static final Logger LOG = LoggerFactory.getLogger(ExportAttempt.class);

  private final Job job;
  private final Pool pool;
  private final Pool snapshots;
  private final ReadReplicas.Replica replica;
  /** Connections for the other readers of a parallel export, or null. */
  private final Pool readers;
  private final ExportPacing pacing;
  /** What the snapshot is read from: "primary" or a replica's name; recorded on the job with its upload. */
  private final String readSource;
  private final JobStore jobs;
  private final S3Storage storage;
  private final AppConfig config;
  private final StallWatchdog watchdog;
  private final Consumer<ExportAttempt> counted;
  private final AttemptFiles files = new AttemptFiles();
  private volatile SqlConnection conn;
  private volatile SnapshotReads reads;
  private volatile String stopReason;
  private volatile boolean handedBack;
  /** Set when the commit completing the job may have succeeded unseen: the objects may be the job's files. */
  private volatile boolean mayBeTheJobsFiles;
  /** What the attempt does outside a file, for the stall log. */
  private volatile String phase = "starting";
  private volatile long total = -1;
  private volatile long countedNanos;
  private long started;

  /**
   * {@code counted} is told once the snapshot's count is recorded on the job (the worker publishes it).
   * {@code replica} is the read replica of the snapshot (count and rows), or null for the primary; the job's writes
   * (uploads, count, heartbeats, outcome) always go to the primary ({@code pool}).
   */
  ExportAttempt(Job job, Pool pool, JobStore jobs, S3Storage storage, AppConfig config,
                Consumer<ExportAttempt> counted, ReadReplicas.Replica replica, ReadResources reads) {
    this.job = job;
    this.readers = reads.readers();
    this.pacing = reads.pacing();
    this.replica = replica;
    this.snapshots = replica == null ? pool : replica.snapshots();
    this.readSource = ReadReplicas.name(replica);
    this.pool = pool;
    this.jobs = jobs;
    this.storage = storage;
    this.config = config;
    this.counted = counted;
    this.watchdog = new StallWatchdog(TimeUnit.SECONDS.toNanos(config.exportStallSeconds()), System::nanoTime);
  }

  Job job() {
    return job;
  }

  /** Runs the attempt; completes with what it produced. */
  Future<AttemptResult> run() {
    started = System.nanoTime();
    LinkFilter filter = LinkFilter.fromJson(job.filters());
    LinkQuery query = LinkQuery.of(job.projectId(), filter);
    return abortPrevious().compose(v -> snapshots.getConnection().onFailure(err -> {
      if (replica != null) {
        replica.unreachable(); // its retry reads the primary rather than wait for the lag check to notice
      }
    })).compose(c -> {
      conn = c;
      ExportPlanner planner = new ExportPlanner(c, watchdog);
      return c.begin()
        .compose(tx -> c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
          .compose(v -> c.query(SqlStatements.get("export_snapshot_limits")).execute())
          .compose(v -> {
            phase = "counting";
            return planner.plan(query, job.options(), config.exportMaxRows(), config.exportMaxTotalRows());
          })
          .compose(plan -> recordCount(plan).compose(v -> planner.tagNames(job.projectId(), job.options().columns()))
            .compose(names -> {
              phase = "choosing the read plan";
              return planner.readPlan(job, plan, filter.sortBy().rollups(), config.exportReadPlan(), pacing.yielding(),
                  query.windowed())
                .compose(chosen -> write(plan, query, names, chosen));
            }))
          .eventually(() -> bounded(tx.rollback())))
        .eventually(() -> bounded(c.close()));
    });
  }

  private Future<Void> recordCount(ExportPlanner.Plan plan) {
    total = plan.total();
    countedNanos = System.nanoTime();
    phase = "recording the count";
    return jobs.recordCount(job, plan.total()).compose(recorded -> {
      if (!recorded) {
        return Future.failedFuture(new UploadSink.StoppedException("the export was cancelled"));
      }
      counted.accept(this);
      return Future.succeededFuture();
    });
  }

  /**
   * Writes the files from one stream of the snapshot's rows ({@link SnapshotReads}, {@link RowSlices}): for a split
   * export one cursor ordered by file first (the files' start instants), then in the list's order, each file taking
   * its counted rows; an unsplit export may be read by parallel readers of ranges of its order
   * ({@link ReadPlan#readers}).
   */
  private Future<AttemptResult> write(ExportPlanner.Plan plan, LinkQuery query, Map<UUID, String> tagNames,
                                      ReadPlan.Chosen read) {
    FileOptions options = job.options();
    String template = SqlStatements.get("links_export").replace("/*COLUMNS*/", options.columns().selectList());
    FileWriter.Scope scope = new FileWriter.Scope(job, jobs, storage, config, watchdog,
      options.format().encoder(options.columns(), tagNames, query.zone()), readSource, pacing);
    List<FileSpec> specs = plan.files();
    List<Instant> starts = specs.stream().map(FileSpec::from).distinct().toList();
    long countMs = (countedNanos - started) / 1_000_000;
    SnapshotReads r = new SnapshotReads(conn, config.exportFetchSize(), this::bounded,
      TimeUnit.SECONDS.toNanos(config.exportStallSeconds()) / 2);
    reads = r;
    // A window's analytics are one aggregation of the project (link_window_stats): each reader would redo it whole.
    int parallelism = ReadPlan.readers(readers == null || query.windowed() ? 1 : config.exportReadParallelism(),
      plan.total(), config.exportParallelMinRows(), read.plan(), read.rollupSort(), plan.split(), replica != null);
    phase = parallelism > 1 ? "opening " + parallelism + " readers of the snapshot" : "declaring the cursor";
    return watchdog.watched(() -> open(r, parallelism, plan, query, template, starts, read).map(n -> {
      LOG.info(n > 1 ? "export {} reads {} ranges of its snapshot in parallel"
        : "export {} reads {} cursor", job.id(), n);
      return null;
    }))
      .compose(opened -> {
        phase = "writing the files";
        RowSlices<Row> rows = new RowSlices<>(r::read, plan.split() ? x -> x.getInteger(x.size() - 1) : null);
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < specs.size(); i++) {
          FileSpec spec = specs.get(i);
          int n = i + 1;
          boolean last = n == specs.size();
          int file = starts.indexOf(spec.from()) + 1; // width_bucket's number of the file's range
          chain = chain.compose(v -> files.write(new FileWriter(scope, spec,
            last ? rows.rest(file) : rows.next(spec.rows(), file), AttemptNames.key(job, plan, n),
            AttemptNames.name(job, plan, n)), stopReason));
        }
        return chain;
      }).eventually(r::close)
      .compose(v -> {
        if (!plan.split()) {
          return Future.<Void>succeededFuture();
        }
        phase = "writing the manifest";
        return files.manifest(job, plan.total(), storage, AttemptNames.manifestKey(job),
          AttemptNames.manifestName(job));
      })
      .map(v -> files.result(plan.total(), countMs));
  }

  /**
   * Opens the snapshot's reads: one cursor, or {@code parallelism} readers of ranges cut at a sample of the order
   * or, for a split export, of groups of its files ({@link ReadRanges}); answers how many.
   */
  private Future<Integer> open(SnapshotReads r, int parallelism, ExportPlanner.Plan plan, LinkQuery query,
                               String template, List<Instant> starts, ReadPlan.Chosen read) {
    if (plan.split()) { // one reader: one range of every file, read through the snapshot's own cursor
      return r.parallel(ReadRanges.ofFiles(plan.files(), parallelism).stream()
        .map(g -> query.renderByCreation(template, starts, g.from(), g.until())).toList(), readers, read.plan());
    }
    return parallelism < 2 ? r.serial(query.renderOrdered(template)).map(v -> 1)
      : r.parallel(query, template, Sampling.of(plan.total(), read.tables()), parallelism, readers, read.plan());
  }

  /** Stops the attempt (cancelled, lease lost, node shutting down): the next write or wait of the sink fails. */
  void stop(String reason) {
    if (stopReason == null) {
      stopReason = reason;
    }
    files.stop(reason);
  }

  /** Stops the attempt so that its job can be handed back to another node. */
  void handBack() {
    handedBack = true;
    stop("the node is shutting down; another node takes the export over");
  }

  boolean stopped() {
    return stopReason != null;
  }

  boolean handedBack() {
    return handedBack;
  }

  /** Rows encoded so far, in every file. */
  long rows() {
    return files.rows();
  }

  /** The snapshot's count (null before it), rows written, and how far that is: what a progress event carries. */
  Progress progress() {
    long t = total;
    return Progress.of("processing", t < 0 ? null : t, rows(), t < 0 ? null
      : java.time.Duration.ofNanos(System.nanoTime() - countedNanos));
  }

  /** The snapshot's count, or null before it. */
  Long total() {
    return total < 0 ? null : total;
  }

  /** The heartbeat's stall check: stops the attempt (and cancels its statement) when reading made no progress. */
  void checkStall() {
    SnapshotReads r = reads;
    if (r != null) {
      r.keepAlive();
    }
    StallWatchdog.Verdict verdict = watchdog.check(files.rows() + files.bytes(), files.partsInFlight());
    if (verdict == StallWatchdog.Verdict.FINE) {
      return;
    }
    LOG.warn("export {} attempt {} stalled: no progress for {} s while {} ({} rows, {} bytes, database call under way:"
        + " {}); stopping the attempt", job.id(), job.attempt(), watchdog.stalledSeconds(), files.describe(phase),
      rows(), files.bytes(), verdict == StallWatchdog.Verdict.STOPPED_IN_CALL);
    SqlConnection c = conn;
    if (verdict == StallWatchdog.Verdict.STOPPED_IN_CALL && c != null) {
      // Cancel the statement on the server so the connection answers again (and can be rolled back and reused).
      PgConnection.cast(c).cancelRequest().onFailure(e ->
        LOG.warn("export {} could not cancel its stalled statement: {}", job.id(), e.getMessage()));
    }
    if (verdict == StallWatchdog.Verdict.STOPPED_IN_CALL && r != null) {
      r.cancel(); // a parallel export's other readers
    }
  }

  /**
   * After a failure: lets a part upload still under way end (S3 may store a part that is under way during an abort,
   * and nothing would ever delete it), then aborts the upload under way. Every object this attempt completed or may
   * have completed (a lost reply, a failed completion commit, a fence that no longer held) is deleted too, unless
   * {@link #keepObject} said the job may be completed with them. The keys are this attempt's own, never the files of
   * another attempt. Never fails: the next attempt aborts what is left, and the janitor's sweep deletes any object no
   * job references. A handed-back attempt waits at most half of {@code EXPORT_HAND_BACK_MS} for its parts: its job
   * must be released before the shutdown stops waiting.
   */
  Future<Void> cleanUp() {
    long settleMs = handedBack ? Math.min(config.exportPartsSettleMillis(), config.exportHandBackMillis() / 2)
      : config.exportPartsSettleMillis();
    return files.cleanUp(job, storage, jobs, settleMs, !mayBeTheJobsFiles);
  }

  /**
   * The commit completing the job failed without proof that it did not happen (no answer from Postgres): the job may
   * be completed with this attempt's objects, so {@link #cleanUp} keeps them. If the job was not completed, the
   * janitor's sweep deletes them once no job references them.
   */
  void keepObject() {
    mayBeTheJobsFiles = true;
  }

  /** A rescued job may have left a multipart upload behind: abort it before starting afresh. */
  Future<Void> abortPrevious() {
    if (job.uploadId() == null || job.objectKey() == null) {
      return Future.succeededFuture();
    }
    return storage.abortMultipartUpload(job.objectKey(), job.uploadId())
      .compose(v -> jobs.clearUpload(job.id(), job.uploadId()))
      .onSuccess(v -> LOG.info("export {} aborted the upload of a previous attempt", job.id()));
  }

  /** Closing after a failure must not hang the attempt on a connection that is stuck. */
  private <T> Future<Void> bounded(Future<T> closing) {
    return closing.timeout(config.exportCloseTimeoutMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty().otherwiseEmpty();
  }
}
