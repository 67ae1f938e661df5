package io.linkexport.webhooks;

import io.linkexport.db.ProjectLimit;
import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code webhook_endpoints} and {@code webhook_deliveries} tables (V15). Deliveries are an outbox: claimed with a
 * lease that increments {@code attempts}, the claim's fencing token; recording an outcome applies only while the row
 * is still that claim's, so a sender whose lease ran out records nothing.
 */
final class WebhookStore {

  /** Endpoints a project may have. */
  static final int MAX_ENDPOINTS = 20;
  /** Deliveries shown per endpoint in the list. */
  static final int RECENT_DELIVERIES = 10;

  /** A claimed delivery with what sending needs; {@code attempts} is the claim's fencing token. */
  record Claimed(long id, UUID endpointId, UUID projectId, String eventId, String type, String body, int attempts,
                 String url, String secret) {
  }

  private final Pool pool;

  WebhookStore(Pool pool) {
    this.pool = pool;
  }

  /** The new endpoint, or null when the project has {@link #MAX_ENDPOINTS} already (counted under a lock). */
  Future<JsonObject> insert(UUID projectId, String url, List<String> events, String secret, UUID userId) {
    return ProjectLimit.insert(pool, projectId, "webhook_insert",
        Tuple.of(projectId, url, events.toArray(new String[0]), secret, userId, MAX_ENDPOINTS))
      .map(WebhookStore::firstEndpoint);
  }

  /** A project's endpoints, each with its last deliveries. */
  Future<JsonArray> list(UUID projectId) {
    return pool.preparedQuery(SqlStatements.get("webhook_list")).execute(Tuple.of(projectId))
      .compose(endpoints -> pool.preparedQuery(SqlStatements.get("webhook_recent_deliveries"))
        .execute(Tuple.of(projectId, RECENT_DELIVERIES)).map(deliveries -> {
          Map<UUID, JsonArray> byEndpoint = new LinkedHashMap<>();
          deliveries.forEach(r -> byEndpoint.computeIfAbsent(r.getUUID("endpoint_id"), k -> new JsonArray())
            .add(delivery(r)));
          JsonArray out = new JsonArray();
          endpoints.forEach(r -> out.add(endpoint(r)
            .put("recentDeliveries", byEndpoint.getOrDefault(r.getUUID("id"), new JsonArray()))));
          return out;
        }));
  }

  /** One endpoint of a project, or null. */
  Future<JsonObject> find(UUID projectId, UUID id) {
    return pool.preparedQuery(SqlStatements.get("webhook_find")).execute(Tuple.of(id, projectId))
      .map(WebhookStore::firstEndpoint);
  }

  Future<Boolean> delete(UUID projectId, UUID id) {
    return pool.preparedQuery(SqlStatements.get("webhook_delete")).execute(Tuple.of(id, projectId))
      .map(rows -> rows.rowCount() == 1);
  }

  /** Pauses or resumes an endpoint; null when the project has no such endpoint. */
  Future<JsonObject> setEnabled(UUID projectId, UUID id, boolean enabled) {
    return pool.preparedQuery(SqlStatements.get("webhook_set_enabled")).execute(Tuple.of(id, projectId, enabled))
      .map(WebhookStore::firstEndpoint);
  }

  /** Queues a test event; false when the endpoint is unknown or disabled. */
  Future<Boolean> enqueueTest(UUID projectId, UUID id, String eventId, String body) {
    return pool.preparedQuery(SqlStatements.get("webhook_enqueue_test")).execute(Tuple.of(id, projectId, eventId, body))
      .map(rows -> rows.rowCount() == 1);
  }

  Future<List<Claimed>> claim(int limit, int leaseSeconds) {
    return pool.preparedQuery(SqlStatements.get("webhook_claim")).execute(Tuple.of(limit, leaseSeconds)).map(rows -> {
      List<Claimed> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Claimed(r.getLong("id"), r.getUUID("endpoint_id"), r.getUUID("project_id"),
        r.getString("event_id"), r.getString("event_type"), r.getString("body"), r.getInteger("attempts"),
        r.getString("url"), r.getString("secret"))));
      return out;
    });
  }

  /** False when the claim no longer holds. */
  Future<Boolean> delivered(Claimed d, int status) {
    return pool.preparedQuery(SqlStatements.get("webhook_delivered")).execute(Tuple.of(d.id(), d.attempts(), status))
      .map(rows -> rows.rowCount() == 1);
  }

  /** Schedules the next attempt; false when the claim no longer holds. */
  Future<Boolean> failed(Claimed d, double delaySeconds, Integer status, String error) {
    return pool.preparedQuery(SqlStatements.get("webhook_failed"))
      .execute(Tuple.of(d.id(), d.attempts(), delaySeconds, status, error))
      .map(rows -> rows.rowCount() == 1);
  }

  /** What giving up did. */
  record GaveUp(boolean recorded, boolean endpointDisabled, long mails) {
  }

  /** Gives the delivery up, and disables its endpoint after a day of failures (see webhook_give_up.sql). */
  Future<GaveUp> giveUp(Claimed d, Integer status, String error) {
    return pool.preparedQuery(SqlStatements.get("webhook_give_up"))
      .execute(Tuple.of(d.id(), d.attempts(), status, error)).map(rows -> {
        Row r = rows.iterator().next();
        return new GaveUp(r.getLong("given_up") == 1, r.getLong("disabled") == 1, r.getLong("mails"));
      });
  }

  /** Deletes at most {@code limit} deliveries that ended more than {@code days} ago; answers how many. */
  Future<Integer> purge(int days, int limit) {
    return pool.preparedQuery(SqlStatements.get("webhook_purge")).execute(Tuple.of(days, limit))
      .map(RowSet::rowCount);
  }

  private static JsonObject firstEndpoint(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? endpoint(it.next()) : null;
  }

  /** An endpoint as the API shows it (never its secret). */
  private static JsonObject endpoint(Row r) {
    JsonArray events = new JsonArray();
    for (String e : r.getArrayOfStrings("events")) {
      events.add(e);
    }
    return new JsonObject().put("id", r.getUUID("id").toString()).put("url", r.getString("url"))
      .put("events", events).put("enabled", r.getOffsetDateTime("disabled_at") == null)
      .put("disabledAt", iso(r.getOffsetDateTime("disabled_at"))).put("disabledReason", r.getString("disabled_reason"))
      .put("failingSince", iso(r.getOffsetDateTime("failing_since")))
      .put("createdAt", iso(r.getOffsetDateTime("created_at")));
  }

  /** A delivery as the API shows it: pending, retrying (an attempt failed), delivered or failed (given up). */
  private static JsonObject delivery(Row r) {
    OffsetDateTime delivered = r.getOffsetDateTime("delivered_at");
    OffsetDateTime gaveUp = r.getOffsetDateTime("given_up_at");
    int attempts = r.getInteger("attempts");
    String status = delivered != null ? "delivered" : gaveUp != null ? "failed" : attempts > 0 ? "retrying" : "pending";
    UUID job = r.getUUID("job_id");
    return new JsonObject().put("eventId", r.getString("event_id")).put("type", r.getString("event_type"))
      .put("jobId", job == null ? null : job.toString()).put("status", status).put("attempts", attempts)
      .put("lastStatus", r.getInteger("last_status")).put("lastError", r.getString("last_error"))
      .put("createdAt", iso(r.getOffsetDateTime("created_at"))).put("deliveredAt", iso(delivered))
      .put("nextAttemptAt", delivered == null && gaveUp == null ? iso(r.getOffsetDateTime("next_attempt_at")) : null);
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
