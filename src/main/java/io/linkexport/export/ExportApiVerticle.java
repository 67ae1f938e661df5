package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.ServiceVerticle;
import io.linkexport.db.Db;
import io.linkexport.db.EventPartitions;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.BusServer;
import io.linkexport.storage.S3Storage;
import io.linkexport.storage.StorageClient;
import io.linkexport.telemetry.ServiceMeters;
import io.linkexport.telemetry.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.linkexport.webhooks.TargetPolicy;
import io.linkexport.webhooks.WebhookService;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Serves the public export addresses ({@link Addresses#EXPORT_START}, {@link Addresses#EXPORT_STATUS}), the
 * internal list/cancel ones, the webhook endpoints' ({@link WebhookService}) and the schedules' ({@link
 * ScheduleService}), runs due schedules ({@link Scheduler}) and the retention janitor, creates
 * the coming months' event partitions and samples the job queue and outbox for the metrics. The HTTP verticle uses
 * exactly these addresses, like any other verticle in the cluster.
 */
public class ExportApiVerticle extends ServiceVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(ExportApiVerticle.class);

  @Override
  public Future<?> start() {
    AppConfig config = settings();
    Pool pool = pool(config, Db.Workload.EXPORT_API, config.pgExportApiPoolSize());
    WebClient http = webClient(new WebClientOptions());
    EventBus bus = vertx.eventBus();
    StorageClient signing = new StorageClient(BusClient.local(bus, config.busSendTimeoutMillis()));
    ServiceMeters meters = Telemetry.meters(vertx);
    ExportService service = new ExportService(bus, pool, signing, config, meters);
    if (config.ops().metricsEnabled()) {
      QueueSampler sampler = new QueueSampler(pool, meters);
      long timer = vertx.setPeriodic(0, config.ops().metricsSampleMillis(), id -> sampler.sample());
      closeOnStop(() -> Future.succeededFuture(vertx.cancelTimer(timer)));
    }
    RetentionJanitor janitor = new RetentionJanitor(pool, S3Storage.create(vertx, http, config),
      Duration.ofDays(config.exportRetentionDays()));
    janitor.schedule(vertx, config.exportJanitorMillis());
    long partitions = EventPartitions.schedule(vertx, pool, EventPartitions.PERIOD_MS);
    FileOptions.Limits limits = new FileOptions.Limits(config.exportMaxRows(), config.exportMaxTotalRows());
    Scheduler scheduler = new Scheduler(pool, limits, config.exportMaxAttempts(), bus);
    long schedules = vertx.setPeriodic(config.schedulePollMillis(), id -> scheduler.tick(null)
      .onFailure(err -> LOG.warn("schedule round failed: {}", err.getMessage())));
    closeOnStop(() -> {
      janitor.cancel(vertx);
      vertx.cancelTimer(partitions);
      vertx.cancelTimer(schedules);
      return Future.succeededFuture();
    });
    ScheduleService plans = new ScheduleService(pool, limits);
    WebhookService webhooks = new WebhookService(pool, TargetPolicy.of(vertx, config.webhookAllowPrivateTargets()),
      () -> bus.publish(Addresses.MAIL_WAKEUP, new JsonObject()));
    return Future.all(List.of(
      bus.<JsonObject>consumer(Addresses.EXPORT_START, m -> serve(m, service::start)).completion(),
      bus.<JsonObject>consumer(Addresses.EXPORT_STATUS, m -> serve(m, service::status)).completion(),
      local(bus, Addresses.EXPORT_LIST, service::list),
      local(bus, Addresses.EXPORT_CANCEL, service::cancel),
      local(bus, Addresses.WEBHOOKS_CREATE, webhooks::create),
      local(bus, Addresses.WEBHOOKS_LIST, webhooks::list),
      local(bus, Addresses.WEBHOOKS_UPDATE, webhooks::update),
      local(bus, Addresses.WEBHOOKS_DELETE, webhooks::delete),
      local(bus, Addresses.WEBHOOKS_TEST, webhooks::test),
      local(bus, Addresses.SCHEDULES_CREATE, plans::create),
      local(bus, Addresses.SCHEDULES_LIST, plans::list),
      local(bus, Addresses.SCHEDULES_GET, plans::get),
      local(bus, Addresses.SCHEDULES_UPDATE, plans::update),
      local(bus, Addresses.SCHEDULES_DELETE, plans::delete)));
  }

  /** A consumer of this node only (an internal address, README "Event-bus API"), registered when the future ends. */
  private static Future<Void> local(EventBus bus, String address, Function<JsonObject, Future<JsonObject>> op) {
    return bus.<JsonObject>localConsumer(address, m -> serve(m, op)).completion();
  }

  private static void serve(Message<JsonObject> msg, Function<JsonObject, Future<JsonObject>> op) {
    BusServer.serve(msg, body -> op.apply(BusServer.body(msg)));
  }
}
