package io.linkexport.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/** Readiness for orchestrators: 200 when Postgres answers within 2 s, else 503. Needs no credentials. */
final class HealthHandler {

  private final Pool pool;

  HealthHandler(Pool pool) {
    this.pool = pool;
  }

  void handle(RoutingContext ctx) {
    pool.query("SELECT 1").execute()
      .timeout(2, java.util.concurrent.TimeUnit.SECONDS)
      .onComplete(ar -> {
        boolean up = ar.succeeded();
        JsonObject body = new JsonObject().put("status", up ? "ok" : "unavailable")
          .put("checks", new JsonObject().put("postgres", up ? "up" : "down"));
        ctx.response().setStatusCode(up ? 200 : 503)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(body.encode());
      });
  }
}
