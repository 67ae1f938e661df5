package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.db.SqlStatements;
import io.linkexport.http.ApiException;
import io.linkexport.links.LinkFilter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
  /** Presigned download links are valid for the longest time SigV4 allows: 7 days. */
  public static final long DOWNLOAD_TTL_SECONDS = 604_800;

  private final Vertx vertx;
  private final Pool pool;
  private final JobStore jobs;
  private final int maxAttempts;
  private final int hourlyLimit;

  public ExportService(Vertx vertx, Pool pool, int maxAttempts, int hourlyLimit) {
    this.vertx = vertx;
    this.pool = pool;
    this.jobs = new JobStore(pool);
    this.maxAttempts = maxAttempts;
    this.hourlyLimit = hourlyLimit;
  }

  /**
   * Creates a pending job. 400 bad filter, 404 not a member / unknown project, 402 free plan, 409 another export of
   * the project is pending or processing, 429 over the hourly limit (with Retry-After). A repeated request with the
   * same {@code idempotencyKey} answers the job the first one created (whatever its state), and no new job.
   */
  public Future<JsonObject> start(JsonObject req) {
    UUID projectId = BusReplies.uuid(req, "projectId");
    UUID userId = BusReplies.uuid(req, "userId");
    Object filtersValue = req.getValue("filters");
    if (filtersValue != null && !(filtersValue instanceof JsonObject)) {
      throw ApiException.badRequest("filters", "filters must be a JSON object");
    }
    LinkFilter filter = LinkFilter.fromJson((JsonObject) filtersValue);
    String email = req.getString("email");
    String key = idempotencyKey(req.getValue("idempotencyKey"));
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.get("project_for_export"))
        .execute(Tuple.of(projectId, userId))
        .compose(rows -> checkPlan(rows))
        // the guard locks the project row: concurrent starts of one project are serialised from here on
        .compose(v -> conn.preparedQuery(SqlStatements.get("job_start_guard")).execute(Tuple.of(projectId)))
        .compose(guard -> key == null ? Future.succeededFuture(new Started(null, guard.iterator().next()))
          : jobs.findByIdempotencyKey(conn, projectId, key).map(j -> new Started(j, guard.iterator().next())))
        .compose(s -> s.replayed() != null ? Future.succeededFuture(s.replayed())
          : checkLimits(s.guard()).compose(v ->
            jobs.create(conn, projectId, userId, email, filter.toExportJson(), maxAttempts, key))
            .onSuccess(this::announce)))
      .recover(err -> Future.failedFuture(err instanceof io.vertx.pgclient.PgException pg
        && "23505".equals(pg.getSqlState())
        ? new ApiException(409, "CONFLICT", "Another export of this project was started at the same moment; "
          + "wait for it to finish or cancel it.")
        : err))
      .map(job -> new JsonObject().put("jobId", job.id().toString()).put("status", job.status()));
  }

  private record Started(Job replayed, Row guard) {
  }

  private static Future<Void> checkPlan(io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Future.failedFuture(ApiException.notFound("project not found"));
    }
    if ("free".equals(rows.iterator().next().getString("plan"))) {
      return Future.failedFuture(new ApiException(402, "PLAN_REQUIRED",
        "Exporting links is available on paid plans. Upgrade the project to export its links to CSV."));
    }
    return Future.succeededFuture();
  }

  private Future<Void> checkLimits(Row guard) {
    UUID active = guard.getUUID("active_id");
    if (active != null) {
      return Future.failedFuture(new ApiException(409, "EXPORT_IN_PROGRESS", "An export of this project is already "
        + "running (job " + active + "). Wait for it to finish or cancel it before starting another."));
    }
    long lastHour = guard.getLong("last_hour");
    if (lastHour >= hourlyLimit) {
      Integer retry = guard.getInteger("retry_after");
      return Future.failedFuture(new ApiException(429, "RATE_LIMITED", "This project started " + lastHour
        + " exports in the last hour, the most allowed. Try again later.")
        .retryAfter(retry == null ? 60 : retry));
    }
    return Future.succeededFuture();
  }

  private void announce(Job job) {
    LOG.info("export {} created for project {} by user {}", job.id(), job.projectId(), job.requestedBy());
    vertx.eventBus().publish(Addresses.EXPORT_WAKEUP, new JsonObject().put("jobId", job.id().toString()));
    vertx.eventBus().publish(Addresses.EXPORT_EVENTS, job.event());
  }

  /** An Idempotency-Key: 1 to 200 visible ASCII characters, or none. */
  static String idempotencyKey(Object value) {
    if (value == null) {
      return null;
    }
    String k = value.toString();
    if (k.isEmpty() || k.length() > 200 || !k.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw ApiException.badRequest("Idempotency-Key", "Idempotency-Key must be 1 to 200 visible ASCII characters");
    }
    return k;
  }

  /** The job with a freshly signed download URL when completed; 404 when not in that project. */
  public Future<JsonObject> status(JsonObject req) {
    UUID projectId = BusReplies.uuid(req, "projectId");
    UUID jobId = BusReplies.uuid(req, "jobId");
    return jobs.find(projectId, jobId).compose(job -> {
      if (job == null) {
        return Future.failedFuture(ApiException.notFound("export not found"));
      }
      if (job.expiredAt() != null) {
        return Future.failedFuture(new ApiException(410, "GONE", "This export expired and its file was deleted. "
          + "Start a new export to get the links again."));
      }
      return withDownloadUrl(job);
    });
  }

  public Future<JsonObject> list(JsonObject req) {
    UUID projectId = BusReplies.uuid(req, "projectId");
    int limit = Math.max(1, Math.min(50, req.getInteger("limit", 20)));
    return jobs.recent(projectId, limit).map(list -> {
      JsonArray arr = new JsonArray();
      list.forEach(j -> arr.add(j.toJson()));
      return new JsonObject().put("jobs", arr);
    });
  }

  /** Cancels a pending or processing job; 404 unknown, 409 already finished. */
  public Future<JsonObject> cancel(JsonObject req) {
    UUID projectId = BusReplies.uuid(req, "projectId");
    UUID jobId = BusReplies.uuid(req, "jobId");
    return jobs.cancel(projectId, jobId).compose(job -> {
      if (job != null) {
        LOG.info("export {} cancelled (project {})", jobId, projectId);
        vertx.eventBus().publish(Addresses.EXPORT_EVENTS, job.event());
        return Future.succeededFuture(job.toJson());
      }
      return jobs.find(projectId, jobId).compose(existing -> Future.failedFuture(existing == null
        ? ApiException.notFound("export not found")
        : new ApiException(409, "CONFLICT", "export already " + existing.status() + "; only pending or processing"
          + " exports can be cancelled")));
    });
  }

  private Future<JsonObject> withDownloadUrl(Job job) {
    JsonObject json = job.toJson();
    if (!"completed".equals(job.status()) || job.objectKey() == null) {
      return Future.succeededFuture(json.putNull("downloadUrl"));
    }
    JsonObject presign = new JsonObject().put("key", job.objectKey()).put("filename", job.filename())
      .put("expiresSeconds", DOWNLOAD_TTL_SECONDS);
    return BusReplies.request(vertx.eventBus(), Addresses.STORAGE_PRESIGN, presign)
      .map(signed -> json.put("downloadUrl", signed.getString("url"))
        .put("downloadExpiresAt", signed.getString("expiresAt")));
  }
}
