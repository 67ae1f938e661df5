package io.linkexport;

import io.linkexport.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every verticle of the service does the same way: read its {@link AppConfig} from the deployment config, and
 * own the clients it opens (Postgres pools, web clients), which are all closed when it stops, whatever fails. A
 * subclass only wires.
 */
public abstract class ServiceVerticle extends VerticleBase {

  private final Deque<Supplier<Future<?>>> owned = new ArrayDeque<>();

  /** The configuration this verticle was deployed with. */
  protected AppConfig settings() {
    return AppConfig.from(config());
  }

  /** A Postgres pool of {@code size} connections with the limits of {@code workload}, closed with the verticle. */
  protected Pool pool(AppConfig config, Db.Workload workload, int size) {
    Pool pool = Db.pool(vertx, config, workload, size);
    closeOnStop(pool::close);
    return pool;
  }

  /** A web client, closed with the verticle. */
  protected WebClient webClient(WebClientOptions options) {
    WebClient client = WebClient.create(vertx, options);
    closeOnStop(() -> {
      client.close();
      return Future.succeededFuture();
    });
    return client;
  }

  /** Runs {@code closer} when the verticle stops (a subclass that overrides stop() ends with super.stop()). */
  protected void closeOnStop(Supplier<Future<?>> closer) {
    owned.push(closer);
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    while (!owned.isEmpty()) {
      try {
        closing.add(owned.pop().get());
      } catch (RuntimeException e) {
        closing.add(Future.failedFuture(e));
      }
    }
    return Future.join(closing);
  }
}
