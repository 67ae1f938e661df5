package io.linkexport.links;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.db.Db;
import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Answers list and count queries over the event bus ({@link Addresses#LINKS_LIST}, {@link Addresses#LINKS_COUNT}).
 * Callers have already authorised the project; these are internal addresses.
 */
public class QueryVerticle extends VerticleBase {

  private Pool pool;
  private Pool genericPool;
  private LinkRepository links;

  @Override
  public Future<?> start() {
    AppConfig config = AppConfig.from(config());
    pool = Db.listPool(vertx, config, true);
    genericPool = Db.listPool(vertx, config, false);
    links = new LinkRepository(pool, genericPool);
    return Future.all(
      vertx.eventBus().<JsonObject>localConsumer(Addresses.LINKS_LIST, this::list).completion(),
      vertx.eventBus().<JsonObject>localConsumer(Addresses.LINKS_COUNT, this::count).completion(),
      vertx.eventBus().<JsonObject>localConsumer(Addresses.PROJECTS_OF_USER, this::projects).completion());
  }

  /** Replies with a {@link LinkPage}: the page's links already encoded, handed over without a copy. */
  private void list(Message<JsonObject> msg) {
    LinkFilter filter;
    UUID project;
    try {
      filter = LinkFilter.fromJson(msg.body().getJsonObject("filters"));
      project = projectId(msg.body());
    } catch (RuntimeException e) {
      BusReplies.fail(msg, e);
      return;
    }
    links.list(project, filter).onSuccess(msg::reply).onFailure(err -> BusReplies.fail(msg, err));
  }

  private void count(Message<JsonObject> msg) {
    BusReplies.reply(msg, () -> links.count(projectId(msg.body()), LinkFilter.fromJson(msg.body().getJsonObject("filters")))
      .map(n -> new JsonObject().put("count", n)));
  }

  private void projects(Message<JsonObject> msg) {
    BusReplies.reply(msg, () -> pool.preparedQuery(SqlStatements.get("projects_of_user"))
      .execute(Tuple.of(BusReplies.uuid(msg.body(), "userId")))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(new JsonObject().put("id", r.getUUID(0).toString()).put("name", r.getString(1))
          .put("plan", r.getString(2)).put("role", r.getString(3))));
        return new JsonObject().put("projects", out);
      }));
  }

  static UUID projectId(JsonObject body) {
    return BusReplies.uuid(body, "projectId");
  }

  @Override
  public Future<?> stop() {
    return Future.join(pool == null ? Future.succeededFuture() : pool.close(),
      genericPool == null ? Future.succeededFuture() : genericPool.close());
  }
}
