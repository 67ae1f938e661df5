package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.ServiceException;
import io.linkexport.support.Await;
import io.linkexport.support.BusExportClient;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;
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

  @Test
  void anotherVerticleStartsAnExportAndWatchesItOverTheBus() throws Exception {
    BusExportClient client = new BusExportClient(project, user, new JsonObject().put("sortBy", "clicks"), false);
    Await.result(app.vertx.deployVerticle(client));
    JsonObject job = client.export().get(60, TimeUnit.SECONDS);
    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(db.count("SELECT count(*) FROM links WHERE project_id = ? AND NOT archived", project));
    assertThat(job.getString("downloadUrl")).contains("X-Amz-Signature=");
    assertThat(client.events()).extracting(e -> e.getString("status")).contains("processing", "completed");
  }

  /** Verifies that bus failures carry the HTTP status, the error code and the field at fault. */
  @Test
  void busFailuresCarryTheirStatusCodeAndField() {
    UUID free = db.project("Bus free " + UUID.randomUUID(), "free");
    UUID member = db.member(free);
    ExportClient client = new ExportClient(BusClient.local(app.vertx.eventBus(), 5_000));
    assertFailure(client.start(new ExportRequest(free, member, null, new JsonObject(), null)), 402, "PLAN_REQUIRED",
      null);
    assertFailure(client.start(new ExportRequest(project, UUID.randomUUID(), null, null, null)), 404, "NOT_FOUND",
      null);
    assertFailure(client.start(new ExportRequest(project, user, null, new JsonObject().put("sortBy", "nope"), null)),
      400, "BAD_REQUEST", "sortBy");
    assertFailure(client.status(project, user, UUID.randomUUID()), 404, "NOT_FOUND", null);
    // a client that builds the JSON itself gets the same, as a ReplyException with the status as its failure code
    assertFailure(app.vertx.eventBus().request(Addresses.EXPORT_START, new JsonObject()
      .put("projectId", project.toString()), new DeliveryOptions().setSendTimeout(5_000)), 400, "BAD_REQUEST", "userId");
  }

  private static void assertFailure(Future<?> call, int status, String code, String field) {
    assertThatThrownBy(() -> Await.result(call)).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(status);
      assertThat(e.code().name()).isEqualTo(code);
      assertThat(e.field()).isEqualTo(field);
    });
  }
}
