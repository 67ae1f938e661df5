package io.linkexport.webhooks;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Fields;
import io.linkexport.bus.ServiceException;
import io.linkexport.projects.Membership;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.linkexport.bus.BusServer.uuid;

/**
 * The webhook endpoints of a project, behind the {@code link-export.webhooks.*} addresses
 * ({@link io.linkexport.bus.Addresses}). Authorised here like exports: members who use exports list them; owners and
 * admins of a paid project (402 first, then 403) add, pause, resume, test and delete them. A new endpoint's URL must
 * pass the {@link TargetPolicy} (400 naming {@code url}); its secret is in the reply that creates it and never again.
 */
public final class WebhookService {

  /** The events an endpoint can subscribe to. */
  public static final List<String> EVENTS = List.of("export.completed", "export.failed");

  private final Pool pool;
  private final WebhookStore store;
  private final TargetPolicy policy;
  private final Runnable wake;

  /** {@code wake} tells the senders a delivery was queued (a test event). */
  public WebhookService(Pool pool, TargetPolicy policy, Runnable wake) {
    this.pool = pool;
    this.store = new WebhookStore(pool);
    this.policy = policy;
    this.wake = wake;
  }

  /**
   * {@code {"projectId", "userId", "url", "events"?}}: the endpoint with its {@code secret}. The caller's rights are
   * checked first (402, 403, 404), then the request (400), then the URL's addresses.
   */
  public Future<JsonObject> create(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    String secret = WebhookSecret.generate();
    return manager(projectId, userId).compose(v -> {
      List<String> events = events(req.getValue("events"));
      if (!(req.getValue("url") instanceof String url)) {
        throw ServiceException.badRequest("url", "url is required (a string)");
      }
      return policy.address(policy.parse(url))
        .compose(address -> store.insert(projectId, url, events, secret, userId));
    }).compose(created -> created == null
      ? Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "A project has at most "
        + WebhookStore.MAX_ENDPOINTS + " webhooks; delete one first."))
      : Future.succeededFuture(created.put("secret", secret)));
  }

  /** {@code {"projectId", "userId"}}: {@code {"webhooks": [...]}}, each with its recent deliveries. */
  public Future<JsonObject> list(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    return reader(projectId, userId).compose(v -> store.list(projectId))
      .map(all -> new JsonObject().put("webhooks", all));
  }

  /** {@code {"projectId", "userId", "webhookId", "enabled"}}: pauses or resumes; the endpoint. */
  public Future<JsonObject> update(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    UUID id = uuid(req, "webhookId");
    return manager(projectId, userId).compose(v -> {
      if (!(req.getValue("enabled") instanceof Boolean enabled)) {
        throw ServiceException.badRequest("enabled", "enabled is required (true or false)");
      }
      return store.setEnabled(projectId, id, enabled);
    })
      .compose(WebhookService::found);
  }

  /** {@code {"projectId", "userId", "webhookId"}}: deletes it and its deliveries; {@code {"deleted": true}}. */
  public Future<JsonObject> delete(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    UUID id = uuid(req, "webhookId");
    return manager(projectId, userId).compose(v -> store.delete(projectId, id))
      .compose(deleted -> deleted ? Future.succeededFuture(new JsonObject().put("deleted", true))
        : Future.failedFuture(ServiceException.notFound("webhook not found")));
  }

  /** {@code {"projectId", "userId", "webhookId"}}: queues a {@code webhook.test} event; {@code {"eventId"}}. */
  public Future<JsonObject> test(JsonObject req) {
    UUID projectId = uuid(req, Fields.PROJECT_ID);
    UUID userId = uuid(req, Fields.USER_ID);
    UUID id = uuid(req, "webhookId");
    String eventId = "msg_test_" + UUID.randomUUID().toString().replace("-", "");
    String body = new JsonObject().put("type", "webhook.test").put("timestamp", Instant.now().toString())
      .put("data", new JsonObject().put("webhookId", id.toString()).put(Fields.PROJECT_ID, projectId.toString()))
      .encode();
    return manager(projectId, userId)
      .compose(v -> store.find(projectId, id)).compose(WebhookService::found)
      .compose(endpoint -> endpoint.getBoolean("enabled")
        ? store.enqueueTest(projectId, id, eventId, body)
        : Future.failedFuture(new ServiceException(ErrorCode.CONFLICT, "The webhook is paused; resume it first.")))
      .map(queued -> {
        wake.run();
        return new JsonObject().put("eventId", eventId).put("type", "webhook.test");
      });
  }

  private static Future<JsonObject> found(JsonObject endpoint) {
    return endpoint == null ? Future.failedFuture(ServiceException.notFound("webhook not found"))
      : Future.succeededFuture(endpoint);
  }

  static List<String> events(Object value) {
    if (value == null) {
      return EVENTS;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw ServiceException.badRequest("events", "events must be a non-empty array of " + EVENTS);
    }
    List<String> out = new ArrayList<>();
    for (Object e : array) {
      if (!(e instanceof String s) || !EVENTS.contains(s)) {
        throw ServiceException.badRequest("events", "unknown event " + e + "; events are " + EVENTS);
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /** A member whose role uses exports (else 403); 404 when not a member. */
  private Future<Membership> reader(UUID projectId, UUID userId) {
    return Membership.require(pool, projectId, userId).compose(m -> m.role().usesExports() ? Future.succeededFuture(m)
      : Future.failedFuture(ServiceException.forbidden("Viewers cannot see the project's webhooks.")));
  }

  /** An owner or admin of a paid project: 402 on a free plan (first), 403 for other roles. */
  private Future<Membership> manager(UUID projectId, UUID userId) {
    return Membership.require(pool, projectId, userId).compose(m -> {
      if (m.freePlan()) {
        return Future.failedFuture(new ServiceException(ErrorCode.PLAN_REQUIRED,
          "Webhooks are available on paid plans. Upgrade the project to be notified of its exports."));
      }
      return m.role().managesOthersExports() ? Future.succeededFuture(m)
        : Future.failedFuture(ServiceException.forbidden("Only an owner or admin of a project manages its webhooks."));
    });
  }
}
