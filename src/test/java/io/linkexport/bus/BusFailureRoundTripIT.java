package io.linkexport.bus;

import io.linkexport.AppConfig;
import io.linkexport.cluster.Clustering;
import io.linkexport.http.ApiErrors;
import io.linkexport.support.Await;
import io.linkexport.support.ClusterTls;
import io.linkexport.support.EmbeddedServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every failure of the bus contract crosses a real cluster hop (two Hazelcast nodes on loopback) and comes out of
 * the HTTP layer with its status, code, message, field and Retry-After: node S serves an address that fails with the
 * code asked for, node H forwards an HTTP request to it with a {@link BusClient} and renders the failure with
 * {@link ApiErrors}, as the service's own handlers do.
 */
class BusFailureRoundTripIT {

  private static final String ADDRESS = "link-export.test.failures";

  static Vertx server;
  static Vertx edge;
  static HttpServer http;

  @BeforeAll
  static void start() throws Exception {
    int ps = EmbeddedServices.freePort();
    int ph = EmbeddedServices.freePort();
    String members = "127.0.0.1:" + ps + ",127.0.0.1:" + ph;
    String name = "failures-" + UUID.randomUUID().toString().substring(0, 8);
    server = Await.result(Clustering.start(node(name, ps, members)));
    edge = Await.result(Clustering.start(node(name, ph, members)));
    ServiceException.registerCodec(server.eventBus());
    Await.result(server.eventBus().<JsonObject>consumer(ADDRESS, m -> BusServer.serve(m, body -> {
      ErrorCode code = ErrorCode.valueOf(body.getString("code"));
      throw new ServiceException(code, "failed with " + code + " é", "field-" + code, body.getLong("retryAfter", 0L));
    })).completion());

    BusClient bus = BusClient.anyNode(edge.eventBus(), 10_000);
    Router router = Router.router(edge);
    router.get("/fail/:code").handler(ctx -> bus.request(ADDRESS, new JsonObject()
        .put("code", ctx.pathParam("code")).put("retryAfter", ctx.queryParams().contains("retry") ? 42 : 0))
      .onSuccess(v -> ctx.response().end()).onFailure(ctx::fail));
    router.route().failureHandler(ApiErrors::handle);
    http = Await.result(edge.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
  }

  private static AppConfig node(String name, int port, String members) {
    return AppConfig.from(ClusterTls.trusted(new JsonObject().put(AppConfig.CLUSTER, true)
      .put(AppConfig.CLUSTER_HOST, "127.0.0.1").put(AppConfig.CLUSTER_PORT, port)
      .put(AppConfig.CLUSTER_MEMBERS, members).put(AppConfig.CLUSTER_NAME, name)
      .put(AppConfig.CLUSTER_JOIN_WAIT_SECONDS, 1)));
  }

  @AfterAll
  static void stop() throws Exception {
    Await.result(edge.close());
    Await.result(server.close());
  }

  /** Verifies that every error code keeps its status, code, field and message across the cluster into HTTP. */
  @Test
  void everyFailureKeepsItsCodeFieldAndMessageAcrossTheCluster() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (ErrorCode code : ErrorCode.values()) {
      boolean retry = code == ErrorCode.RATE_LIMITED || code == ErrorCode.UNAVAILABLE;
      HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + http.actualPort() + "/fail/" + code + (retry ? "?retry" : ""))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).as(code.name()).isEqualTo(code.status());
      JsonObject error = new JsonObject(res.body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo(code.name());
      assertThat(error.getString("field")).isEqualTo("field-" + code);
      assertThat(error.getString("message")).startsWith("failed with " + code + " é");
      assertThat(res.headers().firstValue("Retry-After")).isEqualTo(retry
        ? java.util.Optional.of("42") : java.util.Optional.empty());
    }
  }
}
