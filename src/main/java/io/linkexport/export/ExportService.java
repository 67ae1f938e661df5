package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusServer;
import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Failures;
import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.linkexport.storage.StorageClient;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * The export API behind {@code link-export.start}, {@code .status}, {@code .export.list} and {@code .export.cancel}:
 * validation, membership and plan checks, the job table, and a fresh presigned download URL on every read.
 */
public final class ExportService {

  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);
  private static final int MAX_LIST = 50;

  private final EventBus bus;
  private final Pool pool;
  private final JobStore jobs;
  private final StorageClient storage;
  private final int maxAttempts;
  private final int hourlyLimit;

  public ExportService(EventBus bus, Pool pool, StorageClient storage, int maxAttempts, int hourlyLimit) {
    this.bus = bus;
    this.pool = pool;
    this.jobs = new JobStore(pool);
    this.storage = storage;
    this.maxAttempts = maxAttempts;
    this.hourlyLimit = hourlyLimit;
  }

  /**
   * Creates a pending job. 400 bad filter (naming it), 404 not a member / unknown project, 402 free plan, 409
   * {@code EXPORT_IN_PROGRESS} while another export of the project is pending or processing, 429 over the hourly
   * limit (with Retry-After). A repeated request with the same {@code idempotencyKey} answers the job the first one
   * created (whatever its state), and no new job.
   */
  public Future<JsonObject> start(JsonObject body) {
    ExportRequest req = ExportRequest.fromJson(body);
    JsonObject filters = LinkFilter.fromJson(req.filters()).toExportJson();
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.get("project_for_export"))
        .execute(Tuple.of(req.projectId(), req.userId()))
        .compose(ExportService::checkPlan)
        // the guard locks the project row: concurrent starts of one project are serialised from here on
        .compose(v -> conn.preparedQuery(SqlStatements.get("job_start_guard")).execute(Tuple.of(req.projectId())))
        .map(guard -> guard.iterator().next())
        .compose(guard -> req.idempotencyKey() == null ? Future.succeededFuture(new Started(null, guard))
          : jobs.findByIdempotencyKey(conn, req.projectId(), req.idempotencyKey()).map(j -> new Started(j, guard)))
        .compose(s -> s.replayed() != null ? Future.succeededFuture(s.replayed())
          : checkLimits(s.guard())
            .compose(v -> jobs.create(conn, req.projectId(), req.userId(), req.email(), filters, maxAttempts,
              req.idempotencyKey()))
            .onSuccess(this::announce)))
      .recover(err -> Future.failedFuture(Failures.hasSqlState(err, Failures.UNIQUE_VIOLATION)
        ? new ServiceException(ErrorCode.EXPORT_IN_PROGRESS, "Another export of this project was started at the same "
          + "moment; wait for it to finish or cancel it.")
        : err))
      .map(job -> new JsonObject().put(Fields.JOB_ID, job.id().toString()).put(Fields.STATUS, job.status()));
  }

  private record Started(Job replayed, Row guard) {
  }

  private static Future<Void> checkPlan(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Future.failedFuture(ServiceException.notFound("project not found"));
    }
    if ("free".equals(rows.iterator().next().getString("plan"))) {
      return Future.failedFuture(new ServiceException(ErrorCode.PLAN_REQUIRED,
        "Exporting links is available on paid plans. Upgrade the project to export its links to CSV."));
    }
    return Future.succeededFuture();
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

  private void announce(Job job) {
    LOG.info("export {} created for project {} by user {}", job.id(), job.projectId(), job.requestedBy());
    bus.publish(Addresses.EXPORT_WAKEUP, new JsonObject().put(Fields.JOB_ID, job.id().toString()));
    bus.publish(Addresses.EXPORT_EVENTS, job.event());
  }

  /** The job with a freshly signed download URL when completed; 404 when not in that project, 410 once expired. */
  public Future<JsonObject> status(JsonObject body) {
    UUID projectId = BusServer.uuid(body, Fields.PROJECT_ID);
    UUID jobId = BusServer.uuid(body, Fields.JOB_ID);
    return jobs.find(projectId, jobId).compose(job -> {
      if (job == null) {
        return Future.failedFuture(ServiceException.notFound("export not found"));
      }
      if (job.expiredAt() != null) {
        return Future.failedFuture(new ServiceException(ErrorCode.GONE, "This export expired and its file was "
          + "deleted. Start a new export to get the links again."));
      }
      return withDownloadUrl(job);
    });
  }

  /** The project's most recent jobs, newest first ({@code limit} 1 to 50, default 20). */
  public Future<JsonObject> list(JsonObject body) {
    UUID projectId = BusServer.uuid(body, Fields.PROJECT_ID);
    int limit = Math.max(1, Math.min(MAX_LIST, body.getInteger(Fields.LIMIT, 20)));
    return jobs.recent(projectId, limit).map(list -> {
      JsonArray arr = new JsonArray();
      list.forEach(j -> arr.add(j.toJson()));
      return new JsonObject().put(Fields.JOBS, arr);
    });
  }

  /** Cancels a pending or processing job; 404 unknown, 409 already finished. */
  public Future<JsonObject> cancel(JsonObject body) {
    UUID projectId = BusServer.uuid(body, Fields.PROJECT_ID);
    UUID jobId = BusServer.uuid(body, Fields.JOB_ID);
    return jobs.cancel(projectId, jobId).compose(job -> {
      if (job != null) {
        LOG.info("export {} cancelled (project {})", jobId, projectId);
        bus.publish(Addresses.EXPORT_EVENTS, job.event());
        return Future.succeededFuture(job.toJson());
      }
      return jobs.find(projectId, jobId).compose(existing -> Future.failedFuture(existing == null
        ? ServiceException.notFound("export not found")
        : new ServiceException(ErrorCode.CONFLICT, "export already " + existing.status() + "; only pending or "
          + "processing exports can be cancelled")));
    });
  }

  private Future<JsonObject> withDownloadUrl(Job job) {
    JsonObject json = job.toJson();
    if (!"completed".equals(job.status()) || job.objectKey() == null) {
      return Future.succeededFuture(json.putNull(Fields.DOWNLOAD_URL));
    }
    return storage.presignDownload(job.objectKey(), job.filename())
      .map(signed -> json.put(Fields.DOWNLOAD_URL, signed.url())
        .put(Fields.DOWNLOAD_EXPIRES_AT, signed.expiresAt().toString()));
  }
}
