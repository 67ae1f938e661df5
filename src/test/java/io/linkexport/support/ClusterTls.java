package io.linkexport.support;

import io.linkexport.AppConfig;
import io.vertx.core.json.JsonObject;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The test cluster's TLS stores ({@code src/test/resources/cluster-tls}, made by its {@code make.sh} with the README's
 * keytool steps): every test node presents {@code node.p12}, signed by the test CA that {@code trust.p12} holds;
 * {@code rogue.p12} is a self-signed certificate that the cluster must refuse.
 */
public final class ClusterTls {

  public static final String PASSWORD = "changeit";

  private ClusterTls() {
  }

  /** The path of one of the stores. */
  public static String store(String name) {
    try {
      return Path.of(ClusterTls.class.getResource("/cluster-tls/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code config} with the cluster's certificate and trust store. */
  public static JsonObject trusted(JsonObject config) {
    return withKey(config, "node.p12");
  }

  /** {@code config} with a certificate of {@code keyStore} (e.g. {@code rogue.p12}) and the cluster's trust store. */
  public static JsonObject withKey(JsonObject config, String keyStore) {
    return config.copy()
      .put(AppConfig.CLUSTER_TLS_KEY_STORE, store(keyStore))
      .put(AppConfig.CLUSTER_TLS_KEY_STORE_PASSWORD, PASSWORD)
      .put(AppConfig.CLUSTER_TLS_TRUST_STORE, store("trust.p12"))
      .put(AppConfig.CLUSTER_TLS_TRUST_STORE_PASSWORD, PASSWORD);
  }
}
