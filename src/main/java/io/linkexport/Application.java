package io.linkexport;

import io.linkexport.bus.BusClient;
import io.linkexport.db.Db;
import io.linkexport.db.Migrator;
import io.linkexport.db.ReadReplicas;
import io.linkexport.export.ExportApiVerticle;
import io.linkexport.export.ExportWorkerVerticle;
import io.linkexport.http.HttpVerticle;
import io.linkexport.http.MetricsVerticle;
import io.linkexport.links.LinksClient;
import io.linkexport.links.ProjectQueryGate;
import io.linkexport.links.QueryVerticle;
import io.linkexport.mail.MailVerticle;
import io.linkexport.storage.SigningVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Starts the service on a Vert.x instance: checks Postgres, migrates the schema, then deploys the verticles in
 * dependency order (storage signing and queries before the export API, workers and mail, HTTP last so that no
 * request arrives before its handlers exist). Every failure names the step that failed.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final NodeState node;
  private final List<HttpVerticle> servers;
  /** The export workers' deployment, or null on a node without workers. */
  private final String workers;
  /** The drain under way or done, null before; its delay ends when {@code delayed} completes. */
  private Future<Void> drained;
  private Promise<Void> delayed;

  private Application(Vertx vertx, AppConfig config, NodeState node, List<HttpVerticle> servers, String workers) {
    this.vertx = vertx;
    this.config = config;
    this.node = node;
    this.servers = servers;
    this.workers = workers;
  }

  /**
   * Stops the node in order: the HTTP API drains first ({@link #drain()}), then the export workers stop (they stop
   * claiming, let a running export finish for {@code EXPORT_STOP_GRACE_MS}, then hand it back), while everything
   * they need is still deployed (the signing verticle signs their last parts, the pools record the hand-back); then
   * the rest. Closing Vert.x alone undeploys every verticle at once: a running export then lost its signer mid-grace
   * and failed, which cost it an attempt.
   */
  public Future<Void> shutdown() {
    // A promise of no context: one composed on a Vert.x context would never complete once Vert.x is closed.
    Promise<Void> closed = Promise.promise();
    Future<Void> draining;
    synchronized (this) {
      boolean drainingAlready = drained != null;
      draining = drain();
      if (drainingAlready) {
        delayed.tryComplete(); // a stop after an explicit drain (tests) does not wait out the rest of the delay
      }
    }
    draining.onComplete(d -> {
      Future<Void> stopped = workers == null ? Future.succeededFuture() : vertx.undeploy(workers);
      stopped.onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("the export workers did not stop cleanly: {}", ar.cause().getMessage());
        }
        vertx.close().onComplete(closed);
      });
    });
    return closed.future();
  }

  /** The HTTP port actually bound (differs from the config when it asked for 0). */
  public int httpPort() {
    return servers.get(0).actualPort();
  }

  /** What readiness depends on; {@link #drain()} changes it. */
  public NodeState node() {
    return node;
  }

  /**
   * The first step of a shutdown (SIGTERM): readiness answers 503 at once while the node keeps serving for
   * {@code HTTP_DRAIN_DELAY_MS}, so that load balancers stop sending to it; then the HTTP servers stop accepting and
   * the requests in flight get {@code HTTP_DRAIN_TIMEOUT_MS} to finish. Closing Vert.x afterwards stops the workers,
   * which hand their exports back as before ({@code EXPORT_STOP_GRACE_MS}).
   */
  public synchronized Future<Void> drain() {
    // once: a test drains, then closes; SIGTERM's hook may run while a drain is under way
    if (drained != null) {
      return drained;
    }
    node.startDraining();
    long delay = config.ops().httpDrainDelayMillis();
    long timeout = config.ops().httpDrainTimeoutMillis();
    LOG.info("draining: readiness answers 503; serving {} ms more, then requests in flight get {} ms", delay, timeout);
    Promise<Void> waited = Promise.promise();
    delayed = waited;
    if (delay == 0) {
      waited.complete();
    } else {
      vertx.setTimer(delay, id -> waited.tryComplete());
    }
    drained = waited.future()
      .compose(v -> Future.join(servers.stream().map(s -> s.shutdown(timeout)).toList()))
      .onComplete(ar -> LOG.info("drained: the HTTP servers are closed"))
      .mapEmpty();
    return drained;
  }

  public static Future<Application> start(Vertx vertx, AppConfig config) {
    return start(vertx, config, true);
  }

  /**
   * @param withHttp false for a node that only works exports (tests of the event-bus API use it too)
   */
  public static Future<Application> start(Vertx vertx, AppConfig config, boolean withHttp) {
    try {
      ConfigCheck.require(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new StartupException(e.getMessage(), e));
    }
    JsonObject conf = config.json();
    DeploymentOptions standard = new DeploymentOptions().setConfig(conf);
    NodeState node = new NodeState();
    List<HttpVerticle> servers = new CopyOnWriteArrayList<>();
    Supplier<HttpVerticle> http = () -> {
      HttpVerticle v = new HttpVerticle(node);
      servers.add(v);
      return v;
    };
    BusClient bus = BusClient.local(vertx.eventBus(), config.busSendTimeoutMillis());
    LinksClient.registerCodecs(bus);
    // One per node, shared by the query verticles: a project's bound holds whichever event loop serves its pages.
    ProjectQueryGate gate = new ProjectQueryGate(config.listProjectConcurrency(), ProjectQueryGate.MAX_WAITING,
      config.busSendTimeoutMillis());
    String[] workers = new String[1];
    ReadReplicas[] replicas = new ReadReplicas[1];
    return migrate(vertx, config)
      .map(v -> replicas[0] = ReadReplicas.start(vertx, config)).<Void>mapEmpty()
      .compose(v -> step("storage signing", vertx.deployVerticle(new SigningVerticle(), standard)
        .onSuccess(id -> node.require("storage-signing", id))))
      .compose(v -> step("query", vertx.deployVerticle(() -> new QueryVerticle(gate, replicas[0]),
        new DeploymentOptions(standard).setInstances(config.queryInstances()))))
      .compose(v -> step("export API", vertx.deployVerticle(new ExportApiVerticle(), standard)))
      .compose(v -> step("mail", vertx.deployVerticle(new MailVerticle(), standard)
        .onSuccess(id -> node.require("mail", id))))
      // EXPORT_WORKERS=0: a node that serves the API but runs no exports (the other nodes' workers do).
      .compose(v -> config.exportWorkers() <= 0 ? Future.<Void>succeededFuture()
        : step("export workers", vertx.deployVerticle(() -> new ExportWorkerVerticle(replicas[0], gate::running),
          new DeploymentOptions(standard).setThreadingModel(ThreadingModel.WORKER)
            .setInstances(config.exportWorkers())).onSuccess(id -> workers[0] = id)))
      .compose(v -> config.ops().metricsPort() == 0 ? Future.<Void>succeededFuture()
        : step("metrics", vertx.deployVerticle(new MetricsVerticle(), standard)))
      .compose(v -> withHttp ? step("HTTP", vertx.deployVerticle(http.get(), standard)
        .compose(first -> moreHttp(vertx, config, http))) : Future.succeededFuture())
      .map(v -> new Application(vertx, config, node, servers, workers[0]));
  }

  /**
   * The other HTTP instances: they listen on the same port and Vert.x spreads connections over their event loops. A
   * random port (0, tests) gets one instance: servers on port 0 are never shared.
   */
  private static Future<String> moreHttp(Vertx vertx, AppConfig config, Supplier<HttpVerticle> http) {
    int more = config.httpInstances() - 1;
    if (more == 0 || config.httpPort() == 0) {
      return Future.succeededFuture("");
    }
    return vertx.deployVerticle(http, new DeploymentOptions().setConfig(config.json()).setInstances(more));
  }

  /** Connects (so an unreachable database gets a clear message) and applies pending migrations. */
  public static Future<Void> migrate(Vertx vertx, AppConfig config) {
    Pool pool = Db.pool(vertx, config, 1);
    String where = Db.describe(config);
    return pool.query("SELECT 1").execute()
      .recover(err -> Future.failedFuture(new StartupException("cannot reach Postgres at " + where + ": "
        + err.getMessage(), err)))
      .compose(v -> new Migrator(pool, config.pgMigrationLockTimeoutMillis()).migrate()
        .recover(err -> Future.failedFuture(new StartupException("schema migration failed: " + err.getMessage(), err))))
      .onSuccess(n -> LOG.info("schema up to date ({} migrations applied now) at {}", n, where))
      .<Void>mapEmpty()
      .eventually(pool::close);
  }

  private static Future<Void> step(String what, Future<String> deployment) {
    return deployment
      .recover(err -> Future.failedFuture(err instanceof StartupException ? err
        : new StartupException("cannot start " + what + ": " + err.getMessage(), err)))
      .mapEmpty();
  }

  /** A startup failure whose message says what failed. */
  public static final class StartupException extends RuntimeException {
    public StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
