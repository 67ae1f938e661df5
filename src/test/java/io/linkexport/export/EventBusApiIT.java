package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Another verticle drives an export purely over the documented event-bus addresses and watches its events. */
class EventBusApiIT {

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static UUID user;

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    project = db.project("Bus " + UUID.randomUUID(), "pro");
    user = db.member(project);
    db.bulkLinks(project, 30, "bus-" + UUID.randomUUID().toString().substring(0, 6));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /**
   * A client verticle: starts an export, collects the job's events until a final status, then reads the job. The
   * worker may publish "processing" (or even the final status) before the start reply arrives with the job id, so
   * the verticle keeps every event and picks the job's own once it knows the id; both handlers run on the
   * verticle's event loop.
   */
  static final class ClientVerticle extends VerticleBase {
    final List<JsonObject> seen = new CopyOnWriteArrayList<>();
    final CompletableFuture<JsonObject> done = new CompletableFuture<>();
    private final DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(5_000);
    volatile String jobId;
    private boolean statusRequested;

    @Override
    public Future<?> start() {
      vertx.eventBus().<JsonObject>consumer(Addresses.EXPORT_EVENTS, msg -> {
        seen.add(msg.body());
        readTheJobOnceFinal();
      });
      return vertx.eventBus().<JsonObject>request(Addresses.EXPORT_START, new JsonObject()
          .put("projectId", project.toString()).put("userId", user.toString()).put("email", "bus@example.com")
          .put("filters", new JsonObject().put("sortBy", "clicks")), timeout)
        .onSuccess(reply -> {
          jobId = reply.body().getString("jobId");
          readTheJobOnceFinal();
        });
    }

    /** The job's own events, in the order they arrived. */
    List<JsonObject> events() {
      String id = jobId;
      return seen.stream().filter(e -> id != null && id.equals(e.getString("jobId"))).toList();
    }

    private void readTheJobOnceFinal() {
      if (jobId == null || statusRequested || events().stream().map(e -> e.getString("status"))
        .noneMatch(st -> "completed".equals(st) || "failed".equals(st))) {
        return;
      }
      statusRequested = true;
      vertx.eventBus().<JsonObject>request(Addresses.EXPORT_STATUS, new JsonObject()
          .put("projectId", project.toString()).put("jobId", jobId), timeout)
        .map(Message::body).onComplete(ar -> {
          if (ar.succeeded()) {
            done.complete(ar.result());
          } else {
            done.completeExceptionally(ar.cause());
          }
        });
    }
  }

  @Test
  void anotherVerticleStartsAnExportAndWatchesItOverTheBus() throws Exception {
    ClientVerticle client = new ClientVerticle();
    app.vertx.deployVerticle(client).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    JsonObject job = client.done.get(60, TimeUnit.SECONDS);
    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(db.count("SELECT count(*) FROM links WHERE project_id = ? AND NOT archived", project));
    assertThat(job.getString("downloadUrl")).contains("X-Amz-Signature=");
    assertThat(client.events()).extracting(e -> e.getString("status")).contains("processing", "completed");
  }

  @Test
  void busFailuresCarryHttpStatusCodes() {
    UUID free = db.project("Bus free " + UUID.randomUUID(), "free");
    UUID member = db.member(free);
    assertThatThrownBy(() -> request(Addresses.EXPORT_START, new JsonObject().put("projectId", free.toString())
      .put("userId", member.toString()).put("filters", new JsonObject())))
      .hasCauseInstanceOf(ReplyException.class)
      .satisfies(e -> assertThat(((ReplyException) e.getCause()).failureCode()).isEqualTo(402));
    assertThatThrownBy(() -> request(Addresses.EXPORT_START, new JsonObject().put("projectId", project.toString())
      .put("userId", UUID.randomUUID().toString())))
      .satisfies(e -> assertThat(((ReplyException) e.getCause()).failureCode()).isEqualTo(404));
    assertThatThrownBy(() -> request(Addresses.EXPORT_START, new JsonObject().put("projectId", project.toString())
      .put("userId", user.toString()).put("filters", new JsonObject().put("sortBy", "nope"))))
      .satisfies(e -> assertThat(((ReplyException) e.getCause()).failureCode()).isEqualTo(400));
    assertThatThrownBy(() -> request(Addresses.EXPORT_STATUS, new JsonObject().put("projectId", project.toString())
      .put("jobId", UUID.randomUUID().toString())))
      .satisfies(e -> assertThat(((ReplyException) e.getCause()).failureCode()).isEqualTo(404));
  }

  static JsonObject request(String address, JsonObject body) throws Exception {
    return app.vertx.eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(5_000))
      .map(Message::body).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
