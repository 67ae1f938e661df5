package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes on one Hazelcast cluster (loopback, TCP/IP members) and one Postgres: A serves HTTP and runs no
 * workers, B runs workers and no HTTP, C is a bare clustered Vert.x that runs none of the service (an outside
 * verticle). A job started on A can only be processed by B; C drives an export purely over the event bus.
 */
class ClusterIT {

  static TestApp a;
  static TestApp b;
  static Vertx c;
  static Fixtures db;

  /** The cluster settings of one node of a test cluster. */
  static JsonObject node(JsonObject base, String name, int port, String members) {
    return base.copy().put(AppConfig.CLUSTER, true).put(AppConfig.CLUSTER_HOST, "127.0.0.1")
      .put(AppConfig.CLUSTER_PORT, port).put(AppConfig.CLUSTER_MEMBERS, members).put(AppConfig.CLUSTER_NAME, name);
  }

  @BeforeAll
  static void start() throws Exception {
    JsonObject base = TestApp.isolatedConfig(new JsonObject());
    int pa = EmbeddedServices.freePort();
    int pb = EmbeddedServices.freePort();
    int pc = EmbeddedServices.freePort();
    String members = "127.0.0.1:" + pa + ",127.0.0.1:" + pb + ",127.0.0.1:" + pc;
    String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
    a = TestApp.clustered(node(base, name, pa, members).put(AppConfig.EXPORT_WORKERS, 0), true);
    b = TestApp.clustered(node(base, name, pb, members).put(AppConfig.EXPORT_WORKERS, 2), false);
    c = Clustering.start(AppConfig.from(node(base, name, pc, members))).toCompletionStage().toCompletableFuture()
      .get(60, TimeUnit.SECONDS);
    db = new Fixtures(TestServices.jdbcUrl(a.config));
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
    c.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    b.close();
    a.close();
  }

  @Test
  void aJobStartedOnTheApiNodeCompletesOnTheWorkerNode() {
    UUID project = db.project("Cluster " + UUID.randomUUID(), "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 60, "cl-" + UUID.randomUUID().toString().substring(0, 6));
    String token = TestTokens.session(user, "cluster@example.com");

    String jobId = Exports.start(a, project, token, new JsonObject().put("showArchived", true));
    JsonObject job = Exports.await(a, project, token, jobId, Duration.ofSeconds(60));

    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(links);
    List<List<String>> rows = Exports.parse(Exports.download(a, job.getString("downloadUrl")).body());
    assertThat(rows).hasSize(1 + (int) links);
    assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ?", UUID.fromString(jobId))).isEqualTo(1);
  }

  @Test
  void aVerticleOnAnotherNodeDrivesAnExportOverTheBus() throws Exception {
    UUID project = db.project("Cluster bus " + UUID.randomUUID(), "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 40, "cb-" + UUID.randomUUID().toString().substring(0, 6));

    Client client = new Client(project, user);
    c.deployVerticle(client, new DeploymentOptions()).toCompletionStage().toCompletableFuture()
      .get(30, TimeUnit.SECONDS);
    JsonObject job = client.done.get(60, TimeUnit.SECONDS);

    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(links);
    assertThat(client.events).extracting(e -> e.getString("status")).contains("processing", "completed");
    List<List<String>> rows = Exports.parse(Exports.download(a, job.getString("downloadUrl")).body());
    assertThat(rows).hasSize(1 + (int) links);
  }

  /** Starts an export over link-export.start, follows link-export.events, reads the job over link-export.status. */
  static final class Client extends VerticleBase {
    final UUID project;
    final UUID user;
    final List<JsonObject> events = new CopyOnWriteArrayList<>();
    final CompletableFuture<JsonObject> done = new CompletableFuture<>();
    volatile String jobId;

    Client(UUID project, UUID user) {
      this.project = project;
      this.user = user;
    }

    @Override
    public Future<?> start() {
      DeliveryOptions timeout = new DeliveryOptions().setSendTimeout(10_000);
      return vertx.eventBus().<JsonObject>consumer(Addresses.EXPORT_EVENTS, msg -> {
          JsonObject e = msg.body();
          if (jobId == null || !jobId.equals(e.getString("jobId"))) {
            return;
          }
          events.add(e);
          if ("completed".equals(e.getString("status")) || "failed".equals(e.getString("status"))) {
            vertx.eventBus().<JsonObject>request(Addresses.EXPORT_STATUS, new JsonObject()
                .put("projectId", project.toString()).put("jobId", jobId), timeout)
              .map(Message::body)
              .onSuccess(done::complete)
              .onFailure(done::completeExceptionally);
          }
        }).completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.EXPORT_START, new JsonObject()
          .put("projectId", project.toString()).put("userId", user.toString()).put("email", "bus@example.com")
          .put("filters", new JsonObject().put("sortBy", "clicks").put("showArchived", true)), timeout))
        .onSuccess(reply -> jobId = reply.body().getString("jobId"));
    }
  }
}
