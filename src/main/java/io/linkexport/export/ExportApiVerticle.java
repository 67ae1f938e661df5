package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

/**
 * Serves the public export addresses ({@link Addresses#EXPORT_START}, {@link Addresses#EXPORT_STATUS}) and the
 * internal list/cancel ones. The HTTP verticle uses exactly these, like any other verticle in the cluster.
 */
public class ExportApiVerticle extends VerticleBase {

  private Pool pool;

  @Override
  public Future<?> start() {
    AppConfig config = AppConfig.from(config());
    pool = Db.pool(vertx, config, 4);
    ExportService service = new ExportService(vertx, pool, config.exportMaxAttempts());
    var bus = vertx.eventBus();
    return Future.all(
      bus.<JsonObject>consumer(Addresses.EXPORT_START, m -> reply(m, service::start)).completion(),
      bus.<JsonObject>consumer(Addresses.EXPORT_STATUS, m -> reply(m, service::status)).completion(),
      bus.<JsonObject>consumer(Addresses.EXPORT_LIST, m -> reply(m, service::list)).completion(),
      bus.<JsonObject>consumer(Addresses.EXPORT_CANCEL, m -> reply(m, service::cancel)).completion());
  }

  private static void reply(Message<JsonObject> msg, java.util.function.Function<JsonObject, Future<JsonObject>> op) {
    BusReplies.reply(msg, () -> op.apply(msg.body() == null ? new JsonObject() : msg.body()));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
