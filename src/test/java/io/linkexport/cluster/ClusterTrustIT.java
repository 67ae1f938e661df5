package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.ServiceException;
import io.linkexport.export.ExportClient;
import io.linkexport.export.ExportRequest;
import io.linkexport.support.Await;
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
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The trust model of the cluster bus: a process that joins the Hazelcast cluster (it knows the cluster name and
 * reaches the member port) but lacks a certificate of the cluster's CA can neither ask the service anything nor
 * receive or inject anything on its addresses. Two intruders try: one with a plain event bus, one with TLS and a
 * self-signed certificate. A third node with the cluster's certificate does exactly what they do and succeeds, so
 * the intruders' failures are the certificates' doing, not the test's timing.
 */
class ClusterTrustIT {

  static TestApp service;
  static Vertx trusted;
  static Map<String, Vertx> intruders = new ConcurrentHashMap<>();
  static Fixtures db;
  static UUID project;
  static UUID user;
  static String jobId;

  @BeforeAll
  static void start() throws Exception {
    JsonObject base = TestApp.isolatedConfig(new JsonObject());
    int[] ports = {EmbeddedServices.freePort(), EmbeddedServices.freePort(), EmbeddedServices.freePort(),
      EmbeddedServices.freePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2]
      + ",127.0.0.1:" + ports[3];
    String name = "trust-" + UUID.randomUUID().toString().substring(0, 8);
    service = TestApp.clustered(ClusterIT.node(base, name, ports[0], members), true);
    trusted = join(ClusterIT.node(base, name, ports[1], members));
    intruders.put("a plain event bus", join(ClusterIT.bare(base, name, ports[2], members)));
    intruders.put("a self-signed certificate",
      join(ClusterTls.withKey(ClusterIT.bare(base, name, ports[3], members), "rogue.p12")));
    db = Fixtures.of(service.config);
    project = db.project("Trust " + UUID.randomUUID(), "pro");
    user = db.member(project);
    db.bulkLinks(project, 20, "tr-" + UUID.randomUUID().toString().substring(0, 6));
    String token = TestTokens.session(user, "trust@example.com");
    jobId = Exports.start(service, project, token, new JsonObject());
    assertThat(Exports.await(service, project, token, jobId, Duration.ofSeconds(60)).getString("status"))
      .isEqualTo("completed");
  }

  private static Vertx join(JsonObject config) throws Exception {
    return Await.result(Clustering.start(AppConfig.from(config)));
  }

  @AfterAll
  static void stop() throws Exception {
    db.close();
    for (Vertx v : intruders.values()) {
      Await.result(v.close());
    }
    Await.result(trusted.close());
    service.close();
  }

  /** Verifies that a node without the cluster's certificate gets no download link and starts no export. */
  @Test
  void aNodeWithoutTheClusterCertificateGetsNoAnswerFromTheService() throws Exception {
    JsonObject job = Await.result(client(trusted).status(project, user, UUID.fromString(jobId)));
    assertThat(job.getString("downloadUrl")).as("the trusted node's control request").contains("X-Amz-Signature=");

    intruders.forEach((how, node) -> {
      assertThatThrownBy(() -> Await.result(client(node).status(project, user, UUID.fromString(jobId))))
        .as("a status request from a node with " + how)
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      assertThatThrownBy(() -> Await.result(client(node).start(new ExportRequest(project, user, null, null, null))))
        .as("a start request from a node with " + how)
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    });
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE project_id = ?", project)).isEqualTo(1);
  }

  /**
   * Verifies that a node without the cluster's certificate neither receives what the service publishes nor gets what
   * it publishes itself to the service's subscribers. The listener on the service's node subscribes last: once it
   * hears the service's probes, the service knows every subscription made before it (Hazelcast orders the events of
   * one address), the intruders' included.
   */
  @Test
  void aNodeWithoutTheClusterCertificateNeitherReceivesNorInjectsEvents() throws Exception {
    Map<String, Set<String>> heard = new ConcurrentHashMap<>();
    for (Map.Entry<String, Vertx> intruder : intruders.entrySet()) {
      listen(intruder.getValue(), intruder.getKey(), heard);
    }
    listen(trusted, "trusted", heard);
    listen(service.vertx, "service", heard);

    String round = UUID.randomUUID().toString();
    Await.until("the service's probes to reach the trusted node", Duration.ofSeconds(30), () -> {
      service.vertx.eventBus().publish(Addresses.EXPORT_EVENTS, probe("service", round));
      return heard.getOrDefault("trusted", Set.of()).contains("service:" + round);
    });
    Await.until("the trusted node's forged probes to reach the service's node", Duration.ofSeconds(30), () -> {
      intruders.forEach((how, node) -> node.eventBus().publish(Addresses.EXPORT_EVENTS, probe(how, round)));
      trusted.eventBus().publish(Addresses.EXPORT_EVENTS, probe("trusted", round));
      return heard.getOrDefault("service", Set.of()).contains("trusted:" + round);
    });

    intruders.keySet().forEach(how -> {
      assertThat(heard.getOrDefault(how, Set.of())).as("what the node with " + how + " received")
        .noneMatch(p -> p.startsWith("service:") || p.startsWith("trusted:")); // its own probes reach it locally
      assertThat(heard.getOrDefault("service", Set.of())).as("what the service's node received")
        .doesNotContain(how + ":" + round);
      assertThat(heard.getOrDefault("trusted", Set.of())).doesNotContain(how + ":" + round);
    });
  }

  private static void listen(Vertx node, String who, Map<String, Set<String>> heard) throws Exception {
    Await.result(node.eventBus().<JsonObject>consumer(Addresses.EXPORT_EVENTS, m -> {
      String from = m.body().getString("probeFrom");
      if (from != null) {
        heard.computeIfAbsent(who, k -> ConcurrentHashMap.newKeySet()).add(from + ":" + m.body().getString("round"));
      }
    }).completion());
  }

  private static JsonObject probe(String from, String round) {
    return new JsonObject().put("probeFrom", from).put("round", round);
  }

  private static ExportClient client(Vertx node) {
    return new ExportClient(BusClient.anyNode(node.eventBus(), 3_000));
  }
}
