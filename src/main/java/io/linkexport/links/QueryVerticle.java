package io.linkexport.links;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

/**
 * Answers list and count queries over the event bus ({@link Addresses#LINKS_LIST}, {@link Addresses#LINKS_COUNT}).
 * Callers have already authorised the project; these are internal addresses.
 */
public class QueryVerticle extends VerticleBase {

  private Pool pool;
  private LinkRepository links;

  @Override
  public Future<?> start() {
    AppConfig config = AppConfig.from(config());
    pool = Db.pool(vertx, config);
    links = new LinkRepository(pool);
    return Future.all(
      vertx.eventBus().<JsonObject>consumer(Addresses.LINKS_LIST, this::list).completion(),
      vertx.eventBus().<JsonObject>consumer(Addresses.LINKS_COUNT, this::count).completion());
  }

  private void list(Message<JsonObject> msg) {
    BusReplies.reply(msg, () -> links.list(projectId(msg.body()), LinkFilter.fromJson(msg.body().getJsonObject("filters"))));
  }

  private void count(Message<JsonObject> msg) {
    BusReplies.reply(msg, () -> links.count(projectId(msg.body()), LinkFilter.fromJson(msg.body().getJsonObject("filters")))
      .map(n -> new JsonObject().put("count", n)));
  }

  static UUID projectId(JsonObject body) {
    return BusReplies.uuid(body, "projectId");
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
