package io.linkexport.webhooks;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The typed client of the {@code link-export.webhooks.*} addresses ({@link Addresses#WEBHOOKS_CREATE}). */
public final class WebhookClient {

  private final BusClient bus;

  public WebhookClient(BusClient bus) {
    this.bus = bus;
  }

  /** {@code body} is the HTTP body ({@code url}, {@code events}); the reply carries the secret, once. */
  public Future<JsonObject> create(UUID projectId, UUID userId, JsonObject body) {
    return bus.request(Addresses.WEBHOOKS_CREATE, who(projectId, userId).put("url", body.getValue("url"))
      .put("events", body.getValue("events")));
  }

  public Future<JsonObject> list(UUID projectId, UUID userId) {
    return bus.request(Addresses.WEBHOOKS_LIST, who(projectId, userId));
  }

  public Future<JsonObject> update(UUID projectId, UUID userId, UUID webhookId, JsonObject body) {
    return bus.request(Addresses.WEBHOOKS_UPDATE, one(projectId, userId, webhookId)
      .put("enabled", body.getValue("enabled")));
  }

  public Future<JsonObject> delete(UUID projectId, UUID userId, UUID webhookId) {
    return bus.request(Addresses.WEBHOOKS_DELETE, one(projectId, userId, webhookId));
  }

  public Future<JsonObject> test(UUID projectId, UUID userId, UUID webhookId) {
    return bus.request(Addresses.WEBHOOKS_TEST, one(projectId, userId, webhookId));
  }

  private static JsonObject who(UUID projectId, UUID userId) {
    return new JsonObject().put(Fields.PROJECT_ID, projectId.toString()).put(Fields.USER_ID, userId.toString());
  }

  private static JsonObject one(UUID projectId, UUID userId, UUID webhookId) {
    return who(projectId, userId).put("webhookId", webhookId.toString());
  }
}
