package io.linkexport;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad configuration is refused at start with the name of the key at fault; nothing is clamped silently. */
class ConfigCheckTest {

  /** A usable configuration: what the checks need and nothing else. */
  static JsonObject usable() {
    return new JsonObject().put(ConfigKeys.S3_ACCESS_KEY_ID, "key").put(ConfigKeys.S3_SECRET_ACCESS_KEY, "secret")
      .put(ConfigKeys.SUPABASE_JWT_SECRET, "0123456789abcdef0123456789abcdef");
  }

  static List<String> problems(JsonObject overrides) {
    return ConfigCheck.problems(AppConfig.from(usable().mergeIn(overrides)));
  }

  /**
   * Verifies that conf/config.json writes out the code's defaults, which is what the README's configuration table
   * documents: a default changed in one place only is a service that runs otherwise than documented (the shipped file
   * kept EXPORT_FETCH_SIZE 5000 after the default became 1000, 2026-12-07). The instance counts are the exception:
   * their defaults follow the machine's cores.
   */
  @Test
  void theShippedConfigurationIsTheDefaults() throws Exception {
    JsonObject shipped = new JsonObject(Files.readString(Path.of("conf/config.json")));
    Map<String, String> fromFile = byKey(ConfigCheck.effective(AppConfig.from(usable().mergeIn(shipped))));
    Map<String, String> defaults = byKey(ConfigCheck.effective(AppConfig.from(usable())));
    for (String key : shipped.fieldNames()) {
      if (!key.equals(ConfigKeys.HTTP_INSTANCES) && !key.equals(ConfigKeys.QUERY_INSTANCES)) {
        assertThat(fromFile.get(key)).as(key).isNotNull().isEqualTo(defaults.get(key));
      }
    }
  }

  private static Map<String, String> byKey(List<String> lines) {
    Map<String, String> out = new TreeMap<>();
    lines.forEach(l -> out.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return out;
  }

  @Test
  void aUsableConfigurationHasNoProblems() {
    assertThat(problems(new JsonObject())).isEmpty();
    // conf/config.json leaves optional keys empty: empty is unset, not a bad value
    assertThat(problems(new JsonObject().put(ConfigKeys.SUPABASE_JWKS_URL, "").put(ConfigKeys.SUPABASE_JWT_ISSUER, "")))
      .isEmpty();
  }

  /** Verifies that every out-of-range value is refused naming its key (values that used to be clamped or accepted). */
  @Test
  void outOfRangeValuesAreRefusedNamingTheKey() {
    Object[][] bad = {
      {ConfigKeys.EXPORT_PART_SIZE_MB, 4}, {ConfigKeys.EXPORT_RETENTION_DAYS, 0}, {ConfigKeys.EXPORT_MAX_ROWS, 0},
      {ConfigKeys.HTTP_PORT, 70_000}, {ConfigKeys.PG_POOL_SIZE, 1}, {ConfigKeys.EXPORT_LEASE_SECONDS, "1"},
      {ConfigKeys.SMTP_STARTTLS, "SOMETIMES"}, {ConfigKeys.EXPORT_FETCH_SIZE, "many"}, {ConfigKeys.CLUSTER, "maybe"},
      {ConfigKeys.S3_ENDPOINT, "localhost:9000"}, {ConfigKeys.S3_BUCKET, " "}, {ConfigKeys.MAIL_RETRY_MAX_MS, 10},
      {ConfigKeys.EXPORT_READ_PLAN, "fast"},
    };
    for (Object[] b : bad) {
      assertThat(problems(new JsonObject().put((String) b[0], b[1]))).as(b[0] + "=" + b[1])
        .singleElement().asString().startsWith((String) b[0]);
    }
  }

  @Test
  void keysThatGoTogetherAreCheckedTogether() {
    assertThat(problems(new JsonObject().put(ConfigKeys.SUPABASE_JWT_SECRET, "short")))
      .singleElement().asString().contains(ConfigKeys.SUPABASE_JWT_SECRET);
    assertThat(problems(new JsonObject().put(ConfigKeys.S3_SECRET_ACCESS_KEY, "")))
      .singleElement().asString().contains(ConfigKeys.S3_SECRET_ACCESS_KEY);
    assertThat(problems(new JsonObject().put(ConfigKeys.BUS_SEND_TIMEOUT_MS, 20_000)))
      .singleElement().asString().contains(ConfigKeys.SMTP_TIMEOUT_MS).contains(ConfigKeys.MAIL_LEASE_SECONDS);
    assertThat(problems(new JsonObject().put(ConfigKeys.PG_LOCK_TIMEOUT_MS, 5_000)))
      .singleElement().asString().contains(ConfigKeys.PG_LOCK_TIMEOUT_MS).contains(ConfigKeys.BUS_SEND_TIMEOUT_MS);
  }

  /** Verifies that a cluster without event-bus TLS is refused unless the operator allows it explicitly. */
  @Test
  void aClusterNeedsTlsOrAnExplicitlyInsecureSetting() {
    assertThat(problems(new JsonObject().put(ConfigKeys.CLUSTER, true)))
      .singleElement().asString().contains(ConfigKeys.CLUSTER_TLS_KEY_STORE).contains(ConfigKeys.CLUSTER_ALLOW_INSECURE);
    assertThat(problems(new JsonObject().put(ConfigKeys.CLUSTER, true).put(ConfigKeys.CLUSTER_ALLOW_INSECURE, true)))
      .isEmpty();
    assertThat(problems(new JsonObject().put(ConfigKeys.CLUSTER_TLS_KEY_STORE, "/nonexistent.p12")))
      .anyMatch(p -> p.contains(ConfigKeys.CLUSTER_TLS_TRUST_STORE)).anyMatch(p -> p.contains("/nonexistent.p12"));
  }

  /** Verifies that the service refuses to start, naming the key, before it touches anything. */
  @Test
  void theServiceRefusesToStartWithABadConfiguration() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      AppConfig bad = AppConfig.from(usable().put(ConfigKeys.EXPORT_RETENTION_DAYS, 0));
      assertThatThrownBy(() -> Application.start(vertx, bad).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ConfigKeys.EXPORT_RETENTION_DAYS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
