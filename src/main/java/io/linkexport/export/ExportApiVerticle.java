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
import io.linkexport.storage.S3Storage;

/**
 * Serves the public export addresses ({@link Addresses#EXPORT_START}, {@link Addresses#EXPORT_STATUS}) and the
 * internal list/cancel ones. The HTTP verticle uses exactly these, like any other verticle in the cluster.
 */
public class ExportApiVerticle extends VerticleBase {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExportApiVerticle.class);

  private Pool pool;
  private io.vertx.ext.web.client.WebClient http;

  @Override
  public Future<?> start() {
    AppConfig config = AppConfig.from(config());
    pool = Db.pool(vertx, config, 4);
    ExportService service = new ExportService(vertx, pool, config.exportMaxAttempts(), config.exportHourlyLimit());
    http = io.vertx.ext.web.client.WebClient.create(vertx);
    RetentionJanitor janitor = new RetentionJanitor(pool, new S3Storage(vertx, http), config.exportRetentionDays());
    vertx.setPeriodic(Math.min(60_000, config.exportJanitorMillis()), config.exportJanitorMillis(),
      id -> janitor.runOnce().onFailure(err -> LOG.warn("retention round failed: {}", err.getMessage())));
    var bus = vertx.eventBus();
    return Future.all(
      bus.<JsonObject>consumer(Addresses.EXPORT_START, m -> reply(m, service::start)).completion(),
      bus.<JsonObject>consumer(Addresses.EXPORT_STATUS, m -> reply(m, service::status)).completion(),
      bus.<JsonObject>localConsumer(Addresses.EXPORT_LIST, m -> reply(m, service::list)).completion(),
      bus.<JsonObject>localConsumer(Addresses.EXPORT_CANCEL, m -> reply(m, service::cancel)).completion());
  }

  private static void reply(Message<JsonObject> msg, java.util.function.Function<JsonObject, Future<JsonObject>> op) {
    BusReplies.reply(msg, () -> op.apply(msg.body() == null ? new JsonObject() : msg.body()));
  }

  @Override
  public Future<?> stop() {
    if (http != null) {
      http.close();
    }
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
