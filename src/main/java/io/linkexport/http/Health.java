package io.linkexport.http;

import io.linkexport.NodeState;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Liveness and readiness, with vertx-health-check. Liveness asks only that the process and this event loop answer
 * (a restart cannot fix a database that is down, so Postgres is not part of it). Readiness asks that Postgres answer
 * within 2 s, that the storage-signing and mail verticles be deployed, and that the node not be draining. Every
 * procedure completes with a status itself (its own 2 s bound on Postgres), so a hung check is a 503, not the
 * library's 500 for a procedure that timed out.
 */
final class Health {

  static final long POSTGRES_TIMEOUT_MS = 2_000;

  private Health() {
  }

  static HealthChecks liveness(Vertx vertx) {
    return HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
  }

  static HealthChecks readiness(Vertx vertx, Pool pool, NodeState node) {
    return HealthChecks.create(vertx)
      .register("postgres", POSTGRES_TIMEOUT_MS + 1_000, promise -> pool.query("SELECT 1").execute()
        .timeout(POSTGRES_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> promise.complete(ar.succeeded() ? Status.OK()
          : Status.KO(new JsonObject().put("error", String.valueOf(ar.cause().getMessage()))))))
      .register("verticles", promise -> {
        List<String> missing = node.missing(vertx);
        promise.complete(missing.isEmpty() ? Status.OK()
          : Status.KO(new JsonObject().put("missing", new JsonArray(missing))));
      })
      .register("draining", promise -> promise.complete(node.draining()
        ? Status.KO(new JsonObject().put("reason", "the node is shutting down")) : Status.OK()));
  }
}
