package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.BusServer;
import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.linkexport.links.FilterParam;
import io.linkexport.links.LinkFilter;
import io.linkexport.projects.Membership;
import io.linkexport.storage.StorageClient;
import io.linkexport.telemetry.ServiceMeters;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The export API behind {@code link-export.start}, {@code .status}, {@code .export.list} and {@code .export.cancel}:
 * every request is authorised here ({@link ExportAccess}: membership, plan, role), then served from the job table,
 * with a fresh presigned download URL on every read of a completed job.
 */
public final class ExportService {

  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);
  private static final int MAX_LIST = 50;

  private final ExportEvents events;
  private final JobStore jobs;
  private final ExportAccess access;
  private final ExportStarter starter;
  private final StorageClient storage;
  private final Duration retention;
  private final ServiceMeters meters;
  private final FileOptions.Limits limits;
  private final Pool pool;

  public ExportService(EventBus bus, Pool pool, StorageClient storage, AppConfig config, ServiceMeters meters) {
    this.events = new ExportEvents(bus);
    this.pool = pool;
    this.meters = meters;
    this.jobs = new JobStore(pool);
    this.access = new ExportAccess(pool);
    // The start transaction ends (committed or rolled back) by 60% of the caller's timeout: see ExportStarter.
    this.starter = new ExportStarter(pool, config.exportMaxAttempts(), config.exportHourlyLimit(),
      config.busSendTimeoutMillis() * 3 / 5);
    this.storage = storage;
    this.retention = Duration.ofDays(config.exportRetentionDays());
    this.limits = new FileOptions.Limits(config.exportMaxRows(), config.exportMaxTotalRows());
  }

  /**
   * Creates a pending job. 404 not a member / unknown project, 402 free plan (before anything else is looked at),
   * 403 viewer, 400 bad filter or file option (naming it) or an {@code email} that is not the user's verified
   * address, 409
   * {@code EXPORT_IN_PROGRESS}, 429 over the hourly limit (with Retry-After), 422 {@code IDEMPOTENCY_KEY_REUSED}, 503
   * when it could not be decided in time (and then no job exists). A repeated request with the same
   * {@code idempotencyKey}, filters and file options answers the job the first one created, whatever its state.
   */
  public Future<JsonObject> start(JsonObject body) {
    long arrived = System.nanoTime();
    ExportRequest req = ExportRequest.fromJson(body);
    return access.starter(req.projectId(), req.userId())
      .compose(m -> retained(req).map(m))
      .compose(m -> starter.start(new JobStore.NewJob(m.projectId(), m.userId(), m.email(), filters(req, m),
        req.fileOptions(limits), req.idempotencyKey()), arrived))
      .map(started -> {
        if (started.created()) {
          // published only now that the job is committed: a worker woken earlier could miss it until its next poll
          LOG.info("export {} created for project {} by user {}", started.job().id(), req.projectId(), req.userId());
          events.wakeWorkers();
          events.changed(started.job().event());
          meters.exportStarted();
        }
        return new JsonObject().put(Fields.JOB_ID, started.job().id().toString())
          .put(Fields.STATUS, started.job().status());
      });
  }

  /**
   * A windowed export must start in the kept event history: the database's own check (V13's link_window_start, a 400
   * naming metricsFrom), run before the job exists so that a refused window leaves no job.
   */
  private Future<Void> retained(ExportRequest req) {
    LinkFilter filter = LinkFilter.fromJson(req.filters());
    Instant from = filter.instant(FilterParam.METRICS_FROM);
    return !filter.windowed() ? Future.succeededFuture()
      : pool.preparedQuery("SELECT link_window_start($1)")
        .execute(Tuple.of(from == null ? null : from.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  /** The canonical filters; the email, when the request names one, must be the user's verified address. */
  private static JsonObject filters(ExportRequest req, Membership m) {
    if (req.email() != null && (m.email() == null || !req.email().equalsIgnoreCase(m.email()))) {
      throw ServiceException.badRequest(Fields.EMAIL, "email must be the requesting user's verified address (the one"
        + " of their dashboard session); leave it out to use it");
    }
    return LinkFilter.fromJson(req.filters()).toExportJson();
  }

  /** The job with a freshly signed download URL when completed; 404 when not in that project, 410 once expired. */
  public Future<JsonObject> status(JsonObject body) {
    UUID projectId = BusServer.uuid(body, Fields.PROJECT_ID);
    UUID userId = BusServer.uuid(body, Fields.USER_ID);
    UUID jobId = BusServer.uuid(body, Fields.JOB_ID);
    return access.reader(projectId, userId).compose(m -> jobs.find(projectId, jobId)).compose(job -> {
      if (job == null) {
        return Future.failedFuture(ServiceException.notFound("export not found"));
      }
      return withDownloadUrl(job);
    });
  }

  /** The project's most recent jobs, newest first ({@code limit} 1 to 50, default 20). */
  public Future<JsonObject> list(JsonObject body) {
    UUID projectId = BusServer.uuid(body, Fields.PROJECT_ID);
    UUID userId = BusServer.uuid(body, Fields.USER_ID);
    int limit = Math.max(1, Math.min(MAX_LIST, body.getInteger(Fields.LIMIT, 20)));
    return access.reader(projectId, userId).compose(m -> jobs.recent(projectId, limit)).map(list -> {
      JsonArray arr = new JsonArray();
      list.forEach(j -> arr.add(j.toJson()));
      return new JsonObject().put(Fields.JOBS, arr);
    });
  }

  /** Cancels a pending or processing job; 404 unknown, 403 another member's (unless owner or admin), 409 finished. */
  public Future<JsonObject> cancel(JsonObject body) {
    UUID projectId = BusServer.uuid(body, Fields.PROJECT_ID);
    UUID userId = BusServer.uuid(body, Fields.USER_ID);
    UUID jobId = BusServer.uuid(body, Fields.JOB_ID);
    return access.reader(projectId, userId)
      .compose(m -> jobs.find(projectId, jobId).compose(job -> job == null
        ? Future.failedFuture(ServiceException.notFound("export not found"))
        : ExportAccess.mayCancel(m, job).map(job)))
      .compose(job -> jobs.cancel(projectId, jobId).compose(cancelled -> {
        if (cancelled == null) {
          return Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "export already " + job.status()
            + "; only pending or processing exports can be cancelled"));
        }
        LOG.info("export {} cancelled (project {}, by user {})", jobId, projectId, userId);
        meters.exportFailed("CANCELLED", null);
        events.changed(cancelled.event());
        events.mailQueued(); // wakes the notifications: the cancel queued its webhook event
        return Future.succeededFuture(cancelled.toJson());
      }));
  }

  /**
   * A completed job's download URL lives 7 days, or until the file is deleted when retention ends sooner (the URL
   * must not outlive the file, and {@code downloadExpiresAt} says when it really stops). Past retention: 410.
   */
  private Future<JsonObject> withDownloadUrl(Job job) {
    Duration ttl = job.finishedAt() == null ? Duration.ZERO
      : StorageClient.downloadTtl(job.finishedAt().toInstant().plus(retention), Instant.now());
    if (job.expiredAt() != null || ("completed".equals(job.status()) && ttl.getSeconds() < 1)) {
      return Future.failedFuture(new ServiceException(ErrorCode.GONE, "This export expired and its file was "
        + "deleted. Start a new export to get the links again."));
    }
    JsonObject json = job.toJson();
    if (!"completed".equals(job.status()) || job.objectKey() == null) {
      return Future.succeededFuture(json.putNull(Fields.DOWNLOAD_URL));
    }
    Future<JsonArray> files = fileUrls(job, json.getJsonArray(Fields.FILES), ttl);
    return storage.presign(job.objectKey(), job.filename(), job.contentType(), ttl)
      .compose(signed -> files.map(list -> json.put(Fields.DOWNLOAD_URL, signed.url())
        .put(Fields.DOWNLOAD_EXPIRES_AT, signed.expiresAt().toString()).put(Fields.FILES, list)));
  }

  /** Every file with a fresh download URL of its own (a job from before V9 lists none). */
  private Future<JsonArray> fileUrls(Job job, JsonArray view, Duration ttl) {
    if (view == null || job.files() == null) {
      return Future.succeededFuture(view);
    }
    List<Future<JsonObject>> signed = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      JsonObject stored = job.files().getJsonObject(i);
      JsonObject file = view.getJsonObject(i);
      String type = i == view.size() - 1 && view.size() > 1 ? ExportManifest.CONTENT_TYPE
        : job.options().contentType();
      signed.add(storage.presign(stored.getString("key"), file.getString("name"), type, ttl)
        .map(p -> file.put(Fields.DOWNLOAD_URL, p.url())));
    }
    return Future.all(signed).map(all -> new JsonArray(new ArrayList<>(all.<JsonObject>list())));
  }
}
