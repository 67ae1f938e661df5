package io.linkexport;

import io.vertx.core.Vertx;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node's readiness depends on beyond Postgres: the verticles it must have deployed (by name, for the
 * readiness answer) and whether it is draining (a SIGTERM was received: readiness answers 503 from then on, so load
 * balancers stop sending before the HTTP server stops listening). Shared by the application and its HTTP verticles.
 */
public final class NodeState {

  private final Map<String, String> required = new ConcurrentHashMap<>();
  private volatile boolean draining;

  /** Readiness requires the deployment {@code id}, called {@code name}, to be deployed. */
  public void require(String name, String id) {
    required.put(name, id);
  }

  /** The names of required deployments that {@code vertx} does not run (not yet, or no longer). */
  public List<String> missing(Vertx vertx) {
    return required.entrySet().stream().filter(e -> !vertx.deploymentIDs().contains(e.getValue()))
      .map(Map.Entry::getKey).sorted().toList();
  }

  public boolean draining() {
    return draining;
  }

  void startDraining() {
    draining = true;
  }
}
