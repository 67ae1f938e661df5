package io.linkexport;

import io.linkexport.export.FileOptions;
import io.linkexport.mail.MailTimeouts;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a whole configuration before anything starts: every value (each {@link AppConfig} getter checks its own key
 * and range; all of them are read here, so a bad key fails the start instead of the first request that reads it),
 * then the rules that tie keys together. Each problem names its key.
 */
public final class ConfigCheck {

  private ConfigCheck() {
  }

  /** Every problem of {@code config}, one line each naming the key; empty when it is usable. */
  public static List<String> problems(AppConfig config) {
    // a set: a getter that reads another key (a default derived from it) repeats that key's problem
    Set<String> out = new LinkedHashSet<>();
    invokeGetters(AppConfig.class, config, out);
    invokeGetters(OpsConfig.class, config.ops(), out);
    List<String> problems = new ArrayList<>(out);
    if (problems.isEmpty()) {
      crossChecks(config, problems);
    }
    return problems;
  }

  /** Calls every public no-argument getter of {@code view}, collecting the problems they throw. */
  private static void invokeGetters(Class<?> type, Object view, Set<String> out) {
    Method[] getters = type.getDeclaredMethods();
    Arrays.sort(getters, Comparator.comparing(Method::getName));
    for (Method m : getters) {
      if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0
        || m.getReturnType() == OpsConfig.class) {
        continue;
      }
      try {
        m.invoke(view);
      } catch (InvocationTargetException e) {
        out.add(String.valueOf(e.getCause().getMessage()));
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The configuration in force, one {@code KEY=value} line per key that the service reads (defaults included), secrets
   * masked ({@link EffectiveConfig}). Every getter is read first, so every key is there.
   */
  public static List<String> effective(AppConfig config) {
    invokeGetters(AppConfig.class, config, new LinkedHashSet<>());
    invokeGetters(OpsConfig.class, config.ops(), new LinkedHashSet<>());
    return EffectiveConfig.lines(config.resolved());
  }

  /** Throws, listing every problem, when the configuration is not usable. */
  public static void require(AppConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("bad configuration: " + String.join("; ", problems));
    }
  }

  private static void crossChecks(AppConfig c, List<String> out) {
    if (c.s3AccessKeyId().isEmpty() || c.s3SecretAccessKey().isEmpty()) {
      out.add(ConfigKeys.S3_ACCESS_KEY_ID + " and " + ConfigKeys.S3_SECRET_ACCESS_KEY + " are required");
    }
    boolean secret = !c.jwtSecret().isEmpty();
    if (secret && c.jwtSecret().getBytes(StandardCharsets.UTF_8).length < 32) {
      out.add(ConfigKeys.SUPABASE_JWT_SECRET + " must be at least 32 bytes");
    }
    if (!secret && c.jwksUrl().isEmpty()) {
      out.add("set " + ConfigKeys.SUPABASE_JWT_SECRET + " or " + ConfigKeys.SUPABASE_JWKS_URL
        + ": without one no session can be verified");
    }
    if (c.pgLockTimeoutMillis() >= c.busSendTimeoutMillis()) {
      out.add(ConfigKeys.PG_LOCK_TIMEOUT_MS + " must be less than " + ConfigKeys.BUS_SEND_TIMEOUT_MS
        + " (a request must not wait for a lock longer than its caller waits for the answer)");
    }
    if (c.exportMaxTotalRows() < c.exportMaxRows()) {
      out.add(ConfigKeys.EXPORT_MAX_TOTAL_ROWS + " must be at least " + ConfigKeys.EXPORT_MAX_ROWS
        + " (a split export holds at least what one file may)");
    } else if (c.exportMaxTotalRows() > FileOptions.MAX_CEILINGS * c.exportMaxRows()) {
      out.add(ConfigKeys.EXPORT_MAX_TOTAL_ROWS + " must be at most " + FileOptions.MAX_CEILINGS + " times "
        + ConfigKeys.EXPORT_MAX_ROWS + " (a split export writes at most about " + 2 * FileOptions.MAX_CEILINGS
        + " files)");
    }
    String mail = MailTimeouts.problem(c);
    if (mail != null) {
      out.add(mail);
    }
    clusterChecks(c, out);
    opsChecks(c, out);
  }

  private static void opsChecks(AppConfig c, List<String> out) {
    OpsConfig ops = c.ops();
    if (ops.metricsPort() != 0 && ops.metricsPort() == c.httpPort()) {
      out.add(ConfigKeys.METRICS_PORT + " must differ from " + ConfigKeys.HTTP_PORT + " (0 serves /metrics on it)");
    }
    if (!ops.pgReadUrls().isEmpty() && ops.pgReadCheckMillis() >= Math.max(1, ops.pgReadMaxLagMillis())) {
      out.add(ConfigKeys.PG_READ_CHECK_MS + " must be less than " + ConfigKeys.PG_READ_MAX_LAG_MS
        + " (a replica is proven fresh only by a check younger than the lag bound)");
    }
  }

  private static void clusterChecks(AppConfig c, List<String> out) {
    boolean key = !c.clusterTlsKeyStore().isEmpty();
    boolean trust = !c.clusterTlsTrustStore().isEmpty();
    if (key != trust) {
      out.add(ConfigKeys.CLUSTER_TLS_KEY_STORE + " and " + ConfigKeys.CLUSTER_TLS_TRUST_STORE + " go together");
    }
    for (String store : List.of(c.clusterTlsKeyStore(), c.clusterTlsTrustStore())) {
      if (!store.isEmpty() && !Files.isReadable(Path.of(store))) {
        out.add("cannot read the cluster TLS store " + store);
      }
    }
    if (c.cluster() && !c.clusterTls() && !c.clusterAllowInsecure()) {
      out.add(ConfigKeys.CLUSTER + "=true needs " + ConfigKeys.CLUSTER_TLS_KEY_STORE + " and "
        + ConfigKeys.CLUSTER_TLS_TRUST_STORE + " (the event bus carries download links and starts exports: it must"
        + " not be open to whoever reaches its port), or " + ConfigKeys.CLUSTER_ALLOW_INSECURE
        + "=true on a network only the cluster's nodes can reach");
    }
  }
}
