package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.db.Db;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * One export worker: claims a job from the table (polling, and woken by {@link Addresses#EXPORT_WAKEUP}), runs it,
 * claims the next. Deployed as a WORKER verticle, {@code EXPORT_WORKERS} instances per node; its code never blocks
 * anyway. On undeploy it stops claiming, gives its current job a bounded time to finish, then hands it back.
 */
public class ExportWorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ExportWorkerVerticle.class);
  private static final long HAND_BACK_MS = 5_000;

  private AppConfig config;
  private Pool pool;
  private WebClient http;
  private JobStore jobs;
  private ExportRunner runner;
  private String workerId;
  private boolean busy;
  private boolean stopping;
  private Future<Void> current = Future.succeededFuture();
  private long pollTimer;

  @Override
  public Future<?> start() {
    config = AppConfig.from(config());
    pool = Db.pool(vertx, config, 3);
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
      .setConnectTimeout(5_000).setIdleTimeout(60));
    workerId = hostTag() + "/" + UUID.randomUUID().toString().substring(0, 8);
    jobs = new JobStore(pool);
    runner = new ExportRunner(vertx, pool, new S3Storage(vertx, http), config, workerId);
    pollTimer = vertx.setPeriodic(config.exportPollMillis(), id -> claimNext());
    return vertx.eventBus().consumer(Addresses.EXPORT_WAKEUP, msg -> claimNext()).completion()
      .onSuccess(v -> vertx.runOnContext(x -> claimNext()));
  }

  private void claimNext() {
    if (busy || stopping) {
      return;
    }
    busy = true;
    jobs.claim(workerId, config.exportLeaseSeconds())
      .compose(job -> job == null ? Future.succeededFuture(false) : (current = runner.run(job)).map(true))
      .onComplete(ar -> {
        busy = false;
        if (ar.failed()) {
          LOG.warn("worker {} could not claim a job: {}", workerId, ar.cause().getMessage());
        } else if (ar.result()) {
          claimNext();
        }
      });
  }

  /**
   * Stops claiming; lets the running export finish for {@code EXPORT_STOP_GRACE_MS}, then hands it back (the
   * attempt stops, its upload is aborted and its lease released, so another node restarts it at once). Bounded: after
   * a further {@link #HAND_BACK_MS} the verticle stops regardless, and the lease expiry covers whatever is left.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(pollTimer);
    Promise<Void> grace = Promise.promise();
    long handBack = vertx.setTimer(Math.max(1, config.exportStopGraceMillis()), id -> runner.handBackRunning());
    long giveUp = vertx.setTimer(config.exportStopGraceMillis() + HAND_BACK_MS, id -> grace.tryComplete());
    current.onComplete(ar -> {
      vertx.cancelTimer(handBack);
      vertx.cancelTimer(giveUp);
      grace.tryComplete();
    });
    return grace.future().eventually(() -> {
      http.close();
      return pool.close();
    });
  }

  private static String hostTag() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName() + ":" + ProcessHandle.current().pid();
    } catch (java.net.UnknownHostException e) {
      return "pid-" + ProcessHandle.current().pid();
    }
  }
}
