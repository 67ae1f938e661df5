package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.ServiceException;
import io.linkexport.export.ExportClient;
import io.linkexport.export.ExportRequest;
import io.linkexport.support.Await;
import io.linkexport.support.BusExportClient;
import io.linkexport.support.ClusterTls;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /** The cluster settings of one node of a test cluster: its event bus runs TLS with the test certificate. */
  static JsonObject node(JsonObject base, String name, int port, String members) {
    return ClusterTls.trusted(bare(base, name, port, members));
  }

  /** The cluster settings of a node without event-bus TLS settings. */
  static JsonObject bare(JsonObject base, String name, int port, String members) {
    return base.copy().put(AppConfig.CLUSTER, true).put(AppConfig.CLUSTER_HOST, "127.0.0.1")
      .put(AppConfig.CLUSTER_PORT, port).put(AppConfig.CLUSTER_MEMBERS, members).put(AppConfig.CLUSTER_NAME, name)
      .put(AppConfig.CLUSTER_JOIN_WAIT_SECONDS, 1);
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
    db = Fixtures.of(a.config);
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

  /**
   * Verifies that a verticle on a node that runs none of the service drives an export over the public addresses,
   * and that the failures it gets across the cluster keep their code and field.
   */
  @Test
  void aVerticleOnAnotherNodeDrivesAnExportOverTheBus() throws Exception {
    UUID project = db.project("Cluster bus " + UUID.randomUUID(), "pro");
    UUID user = db.member(project);
    long links = db.bulkLinks(project, 40, "cb-" + UUID.randomUUID().toString().substring(0, 6));

    BusExportClient client = new BusExportClient(project, user,
      new JsonObject().put("sortBy", "clicks").put("showArchived", true), true);
    Await.result(c.deployVerticle(client));
    client.awaitEventsFrom(a.vertx); // "pending" is published by the API node
    client.awaitEventsFrom(b.vertx); // "processing" and "completed" by the worker node
    JsonObject job = client.export().get(60, TimeUnit.SECONDS);

    assertThat(job.getString("status")).isEqualTo("completed");
    assertThat(job.getLong("rowCount")).isEqualTo(links);
    assertThat(client.events()).extracting(e -> e.getString("status")).contains("processing", "completed");
    List<List<String>> rows = Exports.parse(Exports.download(a, job.getString("downloadUrl")).body());
    assertThat(rows).hasSize(1 + (int) links);

    ExportClient remote = new ExportClient(BusClient.anyNode(c.eventBus(), 10_000));
    assertThatThrownBy(() -> Await.result(remote.start(new ExportRequest(project, user, null,
      new JsonObject().put("folderId", "nope"), null)))).isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.field()).isEqualTo("folderId");
      });
  }
}
