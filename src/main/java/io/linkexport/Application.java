package io.linkexport;

import io.linkexport.bus.BusClient;
import io.linkexport.db.Db;
import io.linkexport.db.Migrator;
import io.linkexport.export.ExportApiVerticle;
import io.linkexport.export.ExportWorkerVerticle;
import io.linkexport.http.HttpVerticle;
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

/**
 * Starts the service on a Vert.x instance: checks Postgres, migrates the schema, then deploys the verticles in
 * dependency order (storage signing and queries before the export API, workers and mail, HTTP last so that no
 * request arrives before its handlers exist). Every failure names the step that failed.
 */
public final class Application {

  private static final Logger LOG = LoggerFactory.getLogger(Application.class);

  private final HttpVerticle http;
  private final Vertx vertx;
  /** The export workers' deployment, or null on a node without workers. */
  private final String workers;

  private Application(HttpVerticle http, Vertx vertx, String workers) {
    this.http = http;
    this.vertx = vertx;
    this.workers = workers;
  }

  /**
   * Stops the node in order: the export workers first (they stop claiming, let a running export finish for
   * {@code EXPORT_STOP_GRACE_MS}, then hand it back), while everything they need is still deployed (the signing
   * verticle signs their last parts, the pools record the hand-back); then the rest. Closing Vert.x alone undeploys
   * every verticle at once: a running export then lost its signer mid-grace and failed, which cost it an attempt.
   */
  public Future<Void> shutdown() {
    // A promise of no context: one composed on a Vert.x context would never complete once Vert.x is closed.
    Promise<Void> closed = Promise.promise();
    Future<Void> stopped = workers == null ? Future.succeededFuture() : vertx.undeploy(workers);
    stopped.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("the export workers did not stop cleanly: {}", ar.cause().getMessage());
      }
      vertx.close().onComplete(closed);
    });
    return closed.future();
  }

  /** The HTTP port actually bound (differs from the config when it asked for 0). */
  public int httpPort() {
    return http.actualPort();
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
    HttpVerticle http = new HttpVerticle();
    BusClient bus = BusClient.local(vertx.eventBus(), config.busSendTimeoutMillis());
    LinksClient.registerCodecs(bus);
    // One per node, shared by the query verticles: a project's bound holds whichever event loop serves its pages.
    ProjectQueryGate gate = new ProjectQueryGate(config.listProjectConcurrency(), ProjectQueryGate.MAX_WAITING,
      config.busSendTimeoutMillis());
    String[] workers = new String[1];
    return migrate(vertx, config)
      .compose(v -> step("storage signing", vertx.deployVerticle(new SigningVerticle(), standard)))
      .compose(v -> step("query", vertx.deployVerticle(() -> new QueryVerticle(gate), new DeploymentOptions(standard)
        .setInstances(config.queryInstances()))))
      .compose(v -> step("export API", vertx.deployVerticle(new ExportApiVerticle(), standard)))
      .compose(v -> step("mail", vertx.deployVerticle(new MailVerticle(), standard)))
      // EXPORT_WORKERS=0: a node that serves the API but runs no exports (the other nodes' workers do).
      .compose(v -> config.exportWorkers() <= 0 ? Future.<Void>succeededFuture()
        : step("export workers", vertx.deployVerticle(ExportWorkerVerticle::new,
          new DeploymentOptions(standard).setThreadingModel(ThreadingModel.WORKER)
            .setInstances(config.exportWorkers())).onSuccess(id -> workers[0] = id)))
      .compose(v -> withHttp ? step("HTTP", vertx.deployVerticle(http, standard)
        .compose(first -> moreHttp(vertx, config, http.actualPort()))) : Future.succeededFuture())
      .map(v -> new Application(http, vertx, workers[0]));
  }

  /**
   * The other HTTP instances: they listen on the same port and Vert.x spreads connections over their event loops. A
   * random port (0, tests) gets one instance: servers on port 0 are never shared.
   */
  private static Future<String> moreHttp(Vertx vertx, AppConfig config, int port) {
    int more = config.httpInstances() - 1;
    if (more == 0 || config.httpPort() == 0) {
      return Future.succeededFuture("");
    }
    return vertx.deployVerticle(HttpVerticle::new, new DeploymentOptions().setConfig(config.json()).setInstances(more));
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
