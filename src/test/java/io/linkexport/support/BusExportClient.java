package io.linkexport.support;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.export.ExportClient;
import io.linkexport.export.ExportRequest;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A verticle outside the service that drives one export over the public event-bus API, as a client in the cluster
 * would: follows {@code link-export.events}, starts it ({@code link-export.start}), and once the job's final event
 * arrives reads the job ({@code link-export.status}). The worker may publish "processing", or even the final status,
 * before the start reply brings the job id: every event is kept, and the job's own are picked once the id is known.
 * Both handlers run on the verticle's event loop.
 *
 * <p>In a cluster, a node learns of a new subscription asynchronously (Hazelcast map events): a node publishing
 * right after the client subscribed may not reach it yet. {@link #awaitEventsFrom} waits until a node's publications
 * do reach it (the bus is not durable: a real consumer that missed an event asks {@code link-export.status}).
 */
public final class BusExportClient extends VerticleBase {

  private static final Set<String> FINAL = Set.of("completed", "failed");

  private final ExportRequest request;
  private final boolean anyNode;
  private final List<JsonObject> seen = new CopyOnWriteArrayList<>();
  private final Set<String> probes = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<JsonObject> done = new CompletableFuture<>();
  private ExportClient exports;
  private volatile String jobId;
  private boolean statusRequested;

  /** @param anyNode true for a client on a node that runs none of the service */
  public BusExportClient(UUID project, UUID user, JsonObject filters, boolean anyNode) {
    this.request = new ExportRequest(project, user, null, filters, null);
    this.anyNode = anyNode;
  }

  @Override
  public Future<?> start() {
    BusClient bus = anyNode ? BusClient.anyNode(vertx.eventBus(), 10_000) : BusClient.local(vertx.eventBus(), 10_000);
    exports = new ExportClient(bus);
    return vertx.eventBus().<JsonObject>consumer(Addresses.EXPORT_EVENTS, msg -> {
      String probe = msg.body().getString(PROBE);
      if (probe != null) {
        probes.add(probe);
        return;
      }
      seen.add(msg.body());
      readTheJobOnceFinal();
    }).completion();
  }

  private static final String PROBE = "probe";

  /** Blocks until what {@code node} publishes on the events address reaches this client. */
  public void awaitEventsFrom(Vertx node) {
    String id = UUID.randomUUID().toString();
    Await.until("events published by another node to reach the client", Duration.ofSeconds(30), () -> {
      node.eventBus().publish(Addresses.EXPORT_EVENTS, new JsonObject().put(PROBE, id));
      return probes.contains(id);
    });
  }

  /** Starts the export; completes with the job as {@code link-export.status} answers it after its final event. */
  public CompletableFuture<JsonObject> export() {
    context.runOnContext(v -> exports.start(request).onComplete(ar -> {
      if (ar.failed()) {
        done.completeExceptionally(ar.cause());
        return;
      }
      jobId = ar.result().getString("jobId");
      readTheJobOnceFinal();
    }));
    return done;
  }

  /** The job's own events, in the order they arrived. */
  public List<JsonObject> events() {
    String id = jobId;
    return seen.stream().filter(e -> id != null && id.equals(e.getString("jobId"))).toList();
  }

  private void readTheJobOnceFinal() {
    if (jobId == null || statusRequested || events().stream().noneMatch(e -> FINAL.contains(e.getString("status")))) {
      return;
    }
    statusRequested = true;
    exports.status(request.projectId(), request.userId(), UUID.fromString(jobId)).onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    });
  }
}
