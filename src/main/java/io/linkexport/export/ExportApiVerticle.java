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

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ExportApiVerticle.class);

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
      bus.<JsonObject>localConsumer(Addresses.EXPORT_LIST, m -> serve(m, service::list)).completion(),
      bus.<JsonObject>localConsumer(Addresses.EXPORT_CANCEL, m -> serve(m, service::cancel)).completion(),
      bus.<JsonObject>localConsumer(Addresses.WEBHOOKS_CREATE, m -> serve(m, webhooks::create)).completion(),
      bus.<JsonObject>localConsumer(Addresses.WEBHOOKS_LIST, m -> serve(m, webhooks::list)).completion(),
      bus.<JsonObject>localConsumer(Addresses.WEBHOOKS_UPDATE, m -> serve(m, webhooks::update)).completion(),
      bus.<JsonObject>localConsumer(Addresses.WEBHOOKS_DELETE, m -> serve(m, webhooks::delete)).completion(),
      bus.<JsonObject>localConsumer(Addresses.WEBHOOKS_TEST, m -> serve(m, webhooks::test)).completion(),
      bus.<JsonObject>localConsumer(Addresses.SCHEDULES_CREATE, m -> serve(m, plans::create)).completion(),
      bus.<JsonObject>localConsumer(Addresses.SCHEDULES_LIST, m -> serve(m, plans::list)).completion(),
      bus.<JsonObject>localConsumer(Addresses.SCHEDULES_GET, m -> serve(m, plans::get)).completion(),
      bus.<JsonObject>localConsumer(Addresses.SCHEDULES_UPDATE, m -> serve(m, plans::update)).completion(),
      bus.<JsonObject>localConsumer(Addresses.SCHEDULES_DELETE, m -> serve(m, plans::delete)).completion()));
  }

  private static void serve(Message<JsonObject> msg, Function<JsonObject, Future<JsonObject>> op) {
    BusServer.serve(msg, body -> op.apply(BusServer.body(msg)));
  }
}
