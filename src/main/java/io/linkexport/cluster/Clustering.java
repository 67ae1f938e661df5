package io.linkexport.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.linkexport.AppConfig;
import io.vertx.core.Future;
import io.linkexport.telemetry.Telemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Clustered mode: a Vert.x instance on the Hazelcast cluster manager, members found over TCP/IP only (CLUSTER_MEMBERS;
 * multicast off, so nodes never join a stranger's cluster by accident). Only {@link io.linkexport.Main} refers to
 * this class, and only when CLUSTER=true, so a single node never loads Hazelcast.
 *
 * <p>The cluster carries the event bus only: jobs, leases and emails live in Postgres, so a node that dies loses
 * nothing but its in-flight attempt, which another node restarts when the lease expires.
 */
public final class Clustering {

  private Clustering() {
  }

  /** Hazelcast's configuration for this node: Vert.x's bundled maps, TCP/IP join on the configured members. */
  public static Config hazelcastConfig(AppConfig config) {
    Config hz = ConfigUtil.loadConfig(); // keeps the __vertx.* maps and multimap Vert.x needs
    hz.setClusterName(config.clusterName());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // Main leaves the cluster after undeploying
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    // A killed member is noticed within seconds, not the default minute.
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "6");
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    // A starting member asks the members for a master this long before claiming the role itself, and a master waits
    // this long to admit joiners together (Hazelcast's defaults: 5 s each): the tests' clusters on one machine use 1 s.
    hz.setProperty("hazelcast.wait.seconds.before.join", String.valueOf(config.clusterJoinWaitSeconds()));
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(config.clusterPort()).setPortAutoIncrement(false);
    network.setPublicAddress(config.clusterHost() + ":" + config.clusterPort());
    network.getInterfaces().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(config.clusterJoinWaitSeconds())
      .setMembers(config.clusterMembers().isEmpty()
        ? java.util.List.of(config.clusterHost() + ":" + config.clusterPort()) : config.clusterMembers());
    hz.setProperty("hazelcast.local.localAddress", config.clusterHost());
    return hz;
  }

  /**
   * Vert.x options of a clustered node: the event bus binds and announces CLUSTER_HOST and, unless the operator
   * allowed an insecure cluster, runs TLS with client certificates: a peer must present a certificate the trust store
   * accepts, in both directions, so a process that joined Hazelcast without one can neither send nor receive.
   */
  public static VertxOptions vertxOptions(AppConfig config) {
    EventBusOptions bus = new EventBusOptions()
      .setHost(config.clusterHost()).setClusterPublicHost(config.clusterHost()).setPort(0);
    if (config.clusterTls()) {
      // EventBusOptions trusts every server certificate by default (DEFAULT_TRUST_ALL = true): a node would then send
      // to any process that joined Hazelcast with a certificate of its own. ClusterTrustIT fails without this.
      bus.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setTrustAll(false)
        .setKeyCertOptions(new PfxOptions().setPath(config.clusterTlsKeyStore())
          .setPassword(config.clusterTlsKeyStorePassword()))
        .setTrustOptions(new PfxOptions().setPath(config.clusterTlsTrustStore())
          .setPassword(config.clusterTlsTrustStorePassword()));
    }
    return new VertxOptions().setEventBusOptions(bus);
  }

  /** Starts a clustered Vert.x instance joined to the configured members. */
  public static Future<Vertx> start(AppConfig config) {
    Telemetry.Instrumented vertx = Telemetry.builder(vertxOptions(config), config.ops().metricsEnabled());
    vertx.builder().withClusterManager(new HazelcastClusterManager(hazelcastConfig(config)));
    return vertx.buildClustered();
  }
}
