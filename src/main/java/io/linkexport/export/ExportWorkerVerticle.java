package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.ServiceVerticle;
import io.linkexport.db.Db;
import io.linkexport.db.ReadReplicas;
import io.linkexport.bus.Addresses;
import io.linkexport.retry.Backoff;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * One export worker ({@link ExportWorker}): polls the job table every {@code EXPORT_POLL_MS} and is woken by
 * {@link Addresses#EXPORT_WAKEUP}. Deployed as a WORKER verticle, {@code EXPORT_WORKERS} instances per node; its code
 * never blocks anyway. On undeploy the worker hands its job back within a bounded time.
 */
public class ExportWorkerVerticle extends ServiceVerticle {

  private final ReadReplicas replicas;
  private final IntSupplier foreground;
  private ExportWorker worker;
  private long pollTimer;

  /**
   * @param replicas where export snapshots may be read (the node's, {@link ReadReplicas})
   * @param foreground list, count and picker queries running on this node now, which exports yield to
   *                   ({@link ExportPacing})
   */
  public ExportWorkerVerticle(ReadReplicas replicas, IntSupplier foreground) {
    this.replicas = replicas;
    this.foreground = foreground;
  }

  @Override
  public Future<?> start() {
    AppConfig config = settings();
    Pool pool = pool(config, Db.Workload.WORKER, config.pgWorkerPoolSize());
    WebClient http = webClient(new WebClientOptions().setKeepAlive(true)
      .setConnectTimeout(config.s3ConnectTimeoutMillis()).setIdleTimeout(config.s3IdleTimeoutMillis())
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    String workerId = hostTag() + "/" + UUID.randomUUID().toString().substring(0, 8);
    Backoff retries = Backoff.of(Duration.ofMillis(config.exportRetryBaseMillis()),
      Duration.ofMillis(config.exportRetryMaxMillis()), 0.2);
    // the readers of a parallel export's snapshot besides its own connection (SnapshotReads): the node's bound
    Pool readers = config.exportReadParallelism() > 1
      ? pool(config, Db.Workload.READER, config.exportReadParallelism() - 1) : null;
    worker = new ExportWorker(vertx, pool, S3Storage.create(vertx, http, config), config, workerId,
      new OutcomePolicy(retries, config.exportMaxHandBacks()),
      new ReadResources(replicas, readers, new ExportPacing(vertx, foreground, config.exportBusyPercent(),
        config.exportStallSeconds())));
    pollTimer = vertx.setPeriodic(config.exportPollMillis(), id -> worker.claimNext());
    return vertx.eventBus().consumer(Addresses.EXPORT_WAKEUP, msg -> worker.claimNext()).completion()
      .onSuccess(v -> vertx.runOnContext(x -> worker.claimNext()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(pollTimer);
    return worker.stop().eventually(super::stop);
  }

  private static String hostTag() {
    try {
      return InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
    } catch (UnknownHostException e) {
      return "pid-" + ProcessHandle.current().pid();
    }
  }
}
