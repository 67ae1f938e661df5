package io.linkexport;

import java.util.Arrays;
import java.util.List;

/**
 * The operations part of the configuration (README "Configuration", "Operations"): metrics, draining, the log format
 * and read replicas. A view of {@link AppConfig} ({@code config.ops()}); {@link ConfigCheck} checks its getters too.
 */
public final class OpsConfig implements ConfigKeys {

  private final ConfigValues values;

  OpsConfig(ConfigValues values) {
    this.values = values;
  }

  /** Vert.x's and the service's meters, served in Prometheus format at /metrics; off = no meters at all. */
  public boolean metricsEnabled() { return values.bool(METRICS_ENABLED, true); }
  /** 0: /metrics on the API's port; else a port of its own (keep it off the public network). */
  public int metricsPort() { return values.integer(METRICS_PORT, 0, 0, 65_535); }
  /** How often the job queue and the mail outbox are sampled for their gauges (one query). */
  public long metricsSampleMillis() { return values.longValue(METRICS_SAMPLE_MS, 15_000, 100, 3_600_000); }
  /** On SIGTERM, how long readiness answers 503 while the node still serves, so balancers take it out first. */
  public long httpDrainDelayMillis() { return values.longValue(HTTP_DRAIN_DELAY_MS, 5_000, 0, 600_000); }
  /** Then, how long requests in flight may take to finish before their connections are closed. */
  public long httpDrainTimeoutMillis() { return values.longValue(HTTP_DRAIN_TIMEOUT_MS, 10_000, 0, 600_000); }
  /** text or json (logback's JSON encoder); logback reads it from the environment (exactly), checked here. */
  public String logFormat() {
    String v = values.string(LOG_FORMAT, "text");
    if (!List.of("text", "json").contains(v)) {
      throw new IllegalArgumentException(LOG_FORMAT + " must be text or json, got '" + v + "'");
    }
    return v;
  }

  /** Read replicas (postgresql:// URLs, comma-separated) for list pages, counts and export snapshots; may be none. */
  public List<String> pgReadUrls() {
    List<String> urls = Arrays.stream(values.string(PG_READ_URL, "").split(","))
      .map(String::trim).filter(u -> !u.isEmpty()).toList();
    for (String u : urls) {
      if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
        throw new IllegalArgumentException(PG_READ_URL + " must be postgresql:// URLs, got '"
          + u.replaceAll("//[^@/]*@", "//***@") + "'");
      }
    }
    return urls;
  }
  /** A replica further behind the primary than this is not read (the primary is); 0 = only caught-up replicas. */
  public long pgReadMaxLagMillis() { return values.longValue(PG_READ_MAX_LAG_MS, 5_000, 0, 3_600_000); }
  /** How often each replica's replay position is compared with the primary's. */
  public long pgReadCheckMillis() { return values.longValue(PG_READ_CHECK_MS, 1_000, 50, 60_000); }
}
