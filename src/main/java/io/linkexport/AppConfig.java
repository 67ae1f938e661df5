package io.linkexport;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The one typed view over the service's configuration. Every key is the name of the environment variable that
 * overrides it (README, "Configuration"). Precedence, lowest first: {@code conf/config.json} (or the file named by
 * {@code CONFIG_FILE}), environment variables, JVM system properties. Secrets ({@code S3_SECRET_ACCESS_KEY},
 * {@code SMTP_PASSWORD}, {@code SUPABASE_JWT_SECRET}) belong in the environment, never in the file.
 *
 * <p>The raw JSON travels to every verticle as its deployment config; each verticle rebuilds this view with
 * {@link #from(JsonObject)} so that there is exactly one place that knows key names and defaults.
 */
public final class AppConfig {

  public static final String HTTP_PORT = "HTTP_PORT";
  public static final String HTTP_HOST = "HTTP_HOST";
  public static final String HTTP_INSTANCES = "HTTP_INSTANCES";
  public static final String QUERY_INSTANCES = "QUERY_INSTANCES";
  public static final String CLUSTER = "CLUSTER";
  public static final String CLUSTER_HOST = "CLUSTER_HOST";
  public static final String CLUSTER_PORT = "CLUSTER_PORT";
  public static final String CLUSTER_MEMBERS = "CLUSTER_MEMBERS";
  public static final String CLUSTER_NAME = "CLUSTER_NAME";
  public static final String MAIL_POLL_MS = "MAIL_POLL_MS";
  public static final String MAIL_MAX_ATTEMPTS = "MAIL_MAX_ATTEMPTS";
  public static final String MAIL_RETRY_BASE_MS = "MAIL_RETRY_BASE_MS";
  public static final String MAIL_RETRY_MAX_MS = "MAIL_RETRY_MAX_MS";
  public static final String MAIL_LEASE_SECONDS = "MAIL_LEASE_SECONDS";
  public static final String BUS_SEND_TIMEOUT_MS = "BUS_SEND_TIMEOUT_MS";
  public static final String PG_URL = "PG_URL";
  public static final String PG_POOL_SIZE = "PG_POOL_SIZE";
  public static final String PG_HTTP_POOL_SIZE = "PG_HTTP_POOL_SIZE";
  public static final String PG_EXPORT_API_POOL_SIZE = "PG_EXPORT_API_POOL_SIZE";
  public static final String PG_WORKER_POOL_SIZE = "PG_WORKER_POOL_SIZE";
  public static final String PG_MAIL_POOL_SIZE = "PG_MAIL_POOL_SIZE";
  public static final String S3_ENDPOINT = "S3_ENDPOINT";
  public static final String S3_REGION = "S3_REGION";
  public static final String S3_BUCKET = "S3_BUCKET";
  public static final String S3_ACCESS_KEY_ID = "S3_ACCESS_KEY_ID";
  public static final String S3_SECRET_ACCESS_KEY = "S3_SECRET_ACCESS_KEY";
  public static final String S3_PATH_STYLE = "S3_PATH_STYLE";
  public static final String S3_MAX_ATTEMPTS = "S3_MAX_ATTEMPTS";
  public static final String S3_RETRY_BASE_MS = "S3_RETRY_BASE_MS";
  public static final String S3_RETRY_MAX_MS = "S3_RETRY_MAX_MS";
  public static final String S3_CONNECT_TIMEOUT_MS = "S3_CONNECT_TIMEOUT_MS";
  public static final String S3_IDLE_TIMEOUT_MS = "S3_IDLE_TIMEOUT_MS";
  public static final String SMTP_HOST = "SMTP_HOST";
  public static final String SMTP_PORT = "SMTP_PORT";
  public static final String SMTP_USERNAME = "SMTP_USERNAME";
  public static final String SMTP_PASSWORD = "SMTP_PASSWORD";
  public static final String SMTP_STARTTLS = "SMTP_STARTTLS";
  public static final String SMTP_CONNECT_TIMEOUT_MS = "SMTP_CONNECT_TIMEOUT_MS";
  public static final String SMTP_TIMEOUT_MS = "SMTP_TIMEOUT_MS";
  public static final String MAIL_FROM = "MAIL_FROM";
  public static final String SUPABASE_JWT_SECRET = "SUPABASE_JWT_SECRET";
  public static final String SUPABASE_JWKS_URL = "SUPABASE_JWKS_URL";
  public static final String SUPABASE_JWT_ISSUER = "SUPABASE_JWT_ISSUER";
  public static final String JWKS_REFRESH_MS = "JWKS_REFRESH_MS";
  public static final String ACCESS_CACHE_MS = "ACCESS_CACHE_MS";
  public static final String EXPORT_MAX_ROWS = "EXPORT_MAX_ROWS";
  public static final String EXPORT_WORKERS = "EXPORT_WORKERS";
  public static final String EXPORT_PART_SIZE_MB = "EXPORT_PART_SIZE_MB";
  public static final String EXPORT_PARTS_IN_FLIGHT = "EXPORT_PARTS_IN_FLIGHT";
  public static final String EXPORT_FETCH_SIZE = "EXPORT_FETCH_SIZE";
  public static final String EXPORT_LEASE_SECONDS = "EXPORT_LEASE_SECONDS";
  public static final String EXPORT_MAX_ATTEMPTS = "EXPORT_MAX_ATTEMPTS";
  public static final String EXPORT_MAX_HAND_BACKS = "EXPORT_MAX_HAND_BACKS";
  public static final String EXPORT_RETRY_BASE_MS = "EXPORT_RETRY_BASE_MS";
  public static final String EXPORT_RETRY_MAX_MS = "EXPORT_RETRY_MAX_MS";
  public static final String EXPORT_HAND_BACK_MS = "EXPORT_HAND_BACK_MS";
  public static final String EXPORT_CLOSE_TIMEOUT_MS = "EXPORT_CLOSE_TIMEOUT_MS";
  public static final String EXPORT_PARTS_SETTLE_MS = "EXPORT_PARTS_SETTLE_MS";
  public static final String EXPORT_SLOW_BATCH_MS = "EXPORT_SLOW_BATCH_MS";
  public static final String EXPORT_POLL_MS = "EXPORT_POLL_MS";
  public static final String EXPORT_STOP_GRACE_MS = "EXPORT_STOP_GRACE_MS";
  public static final String EXPORT_STALL_SECONDS = "EXPORT_STALL_SECONDS";
  public static final String EXPORT_HOURLY_LIMIT = "EXPORT_HOURLY_LIMIT";
  public static final String EXPORT_RETENTION_DAYS = "EXPORT_RETENTION_DAYS";
  public static final String EXPORT_JANITOR_MS = "EXPORT_JANITOR_MS";
  public static final String DASHBOARD_URL = "DASHBOARD_URL";

  private final JsonObject json;

  private AppConfig(JsonObject json) {
    this.json = json;
  }

  public static AppConfig from(JsonObject json) {
    return new AppConfig(Objects.requireNonNull(json, "config"));
  }

  /**
   * Loads the configuration with explicit stores. {@code ConfigRetriever.create(vertx)} with its default stores
   * would let the file override the environment; here the environment always wins over the file.
   */
  public static Future<AppConfig> load(Vertx vertx) {
    String file = System.getenv().getOrDefault("CONFIG_FILE", "conf/config.json");
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0);
    if (Files.isRegularFile(Path.of(file))) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
        .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
    options.addStore(new ConfigStoreOptions().setType("sys").setConfig(new JsonObject().put("raw-data", true)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig().map(AppConfig::from).eventually(retriever::close);
  }

  public JsonObject json() {
    return json.copy();
  }

  /** A copy with one key replaced; used by tests and the dev stack. */
  public AppConfig with(String key, Object value) {
    return new AppConfig(json.copy().put(key, value));
  }

  public int httpPort() { return integer(HTTP_PORT, 8080); }
  public String httpHost() { return string(HTTP_HOST, "0.0.0.0"); }
  /**
   * HTTP verticle instances sharing the port (one event loop each); default one per two cores: the cores are shared
   * with Postgres, and more HTTP event loops only added threads competing for them (docs/benchmarks.md).
   */
  public int httpInstances() {
    return Math.max(1, integer(HTTP_INSTANCES, Runtime.getRuntime().availableProcessors() / 2));
  }
  /**
   * Query verticle instances (one event loop each); default one per core. They share the two list pools, so every
   * page waits in one queue; decoding rows and writing JSON on one event loop was the limit (docs/benchmarks.md).
   */
  public int queryInstances() {
    return Math.max(1, integer(QUERY_INSTANCES, Runtime.getRuntime().availableProcessors()));
  }
  /** Clustered mode (Hazelcast, TCP/IP members only); off = one node, no Hazelcast loaded. */
  public boolean cluster() { return bool(CLUSTER, false); }
  /** The address this node binds and announces for Hazelcast and the event bus. */
  public String clusterHost() { return string(CLUSTER_HOST, "127.0.0.1"); }
  /** Hazelcast member port (the event bus uses a random port announced through Hazelcast). */
  public int clusterPort() { return integer(CLUSTER_PORT, 5701); }
  /** Comma-separated {@code host[:port]} of the members to join (this node may be listed). */
  public List<String> clusterMembers() {
    return java.util.Arrays.stream(string(CLUSTER_MEMBERS, "").split(","))
      .map(String::trim).filter(m -> !m.isEmpty()).toList();
  }
  public String clusterName() { return string(CLUSTER_NAME, "link-export"); }
  public long mailPollMillis() { return Math.max(50, longValue(MAIL_POLL_MS, 1000)); }
  public int mailMaxAttempts() { return Math.max(1, integer(MAIL_MAX_ATTEMPTS, 20)); }
  public long mailRetryBaseMillis() { return Math.max(1, longValue(MAIL_RETRY_BASE_MS, 5_000)); }
  public long mailRetryMaxMillis() { return Math.max(mailRetryBaseMillis(), longValue(MAIL_RETRY_MAX_MS, 600_000)); }
  /** How long a claimed email belongs to its sender; must exceed twice the longest send (checked at start). */
  public int mailLeaseSeconds() { return Math.max(1, integer(MAIL_LEASE_SECONDS, 60)); }
  /** Every event-bus request's timeout; also the list pools' statement_timeout (a page nobody waits for stops). */
  public long busSendTimeoutMillis() { return Math.max(1, longValue(BUS_SEND_TIMEOUT_MS, 5_000)); }

  public String pgUrl() { return string(PG_URL, "postgresql://postgres:postgres@localhost:5432/linkexport"); }
  /** Connections of each of the two list pools (shared by the query verticles). */
  public int pgPoolSize() { return integer(PG_POOL_SIZE, 8); }
  /** The HTTP verticle's pool: authorisation look-ups and /health. */
  public int pgHttpPoolSize() { return Math.max(1, integer(PG_HTTP_POOL_SIZE, 4)); }
  public int pgExportApiPoolSize() { return Math.max(1, integer(PG_EXPORT_API_POOL_SIZE, 4)); }
  /** Each export worker's pool: its snapshot connection plus heartbeats and job writes. */
  public int pgWorkerPoolSize() { return Math.max(2, integer(PG_WORKER_POOL_SIZE, 3)); }
  public int pgMailPoolSize() { return Math.max(1, integer(PG_MAIL_POOL_SIZE, 2)); }

  public String s3Endpoint() { return string(S3_ENDPOINT, "http://localhost:9000"); }
  public String s3Region() { return string(S3_REGION, "us-east-1"); }
  public String s3Bucket() { return string(S3_BUCKET, "link-exports"); }
  public String s3AccessKeyId() { return string(S3_ACCESS_KEY_ID, ""); }
  public String s3SecretAccessKey() { return string(S3_SECRET_ACCESS_KEY, ""); }
  public boolean s3PathStyle() { return bool(S3_PATH_STYLE, true); }
  /** Attempts of an idempotent S3 request (part upload, abort, delete, list) before the export attempt fails. */
  public int s3MaxAttempts() { return Math.max(1, integer(S3_MAX_ATTEMPTS, 4)); }
  public long s3RetryBaseMillis() { return Math.max(1, longValue(S3_RETRY_BASE_MS, 200)); }
  public long s3RetryMaxMillis() { return Math.max(s3RetryBaseMillis(), longValue(S3_RETRY_MAX_MS, 10_000)); }
  public int s3ConnectTimeoutMillis() { return Math.max(1, integer(S3_CONNECT_TIMEOUT_MS, 5_000)); }
  /** A request (or a pooled connection) that sees no byte for this long is closed. */
  public int s3IdleTimeoutMillis() { return Math.max(1, integer(S3_IDLE_TIMEOUT_MS, 30_000)); }

  public String smtpHost() { return string(SMTP_HOST, "localhost"); }
  public int smtpPort() { return integer(SMTP_PORT, 587); }
  public String smtpUsername() { return string(SMTP_USERNAME, ""); }
  public String smtpPassword() { return string(SMTP_PASSWORD, ""); }
  /** DISABLED, OPTIONAL or REQUIRED (the default: production mail must not travel in clear text). */
  public String smtpStartTls() { return string(SMTP_STARTTLS, "REQUIRED").toUpperCase(Locale.ROOT); }
  public int smtpConnectTimeoutMillis() { return Math.max(1, integer(SMTP_CONNECT_TIMEOUT_MS, 10_000)); }
  /** An SMTP exchange that sees no byte for this long fails (and closes its connection); also bounds a whole send. */
  public int smtpTimeoutMillis() { return Math.max(1, integer(SMTP_TIMEOUT_MS, 20_000)); }
  public String mailFrom() { return string(MAIL_FROM, "Link Export <no-reply@localhost>"); }

  public String jwtSecret() { return string(SUPABASE_JWT_SECRET, ""); }
  public String jwksUrl() { return string(SUPABASE_JWKS_URL, ""); }
  public String jwtIssuer() { return string(SUPABASE_JWT_ISSUER, ""); }
  /** How often the JWKS is fetched again (an unknown kid also fetches it, at most once a minute). */
  public long jwksRefreshMillis() { return Math.max(1_000, longValue(JWKS_REFRESH_MS, 600_000)); }
  /** How long a checked project membership is reused; a removed member loses access within it. */
  public long accessCacheMillis() { return Math.max(0, longValue(ACCESS_CACHE_MS, 5_000)); }

  public long exportMaxRows() { return longValue(EXPORT_MAX_ROWS, 100_000L); }
  public int exportWorkers() { return integer(EXPORT_WORKERS, 2); }
  public int exportPartSizeBytes() { return integer(EXPORT_PART_SIZE_MB, 5) * 1024 * 1024; }
  /**
   * Part uploads under way at once per export (with one, reading stopped whenever a part filled before the previous
   * was uploaded); memory per export is about {@code (this + 1) * 1.25 * EXPORT_PART_SIZE_MB}.
   */
  public int exportPartsInFlight() { return Math.max(1, integer(EXPORT_PARTS_IN_FLIGHT, 2)); }
  public int exportFetchSize() { return integer(EXPORT_FETCH_SIZE, 5000); }
  public int exportLeaseSeconds() { return integer(EXPORT_LEASE_SECONDS, 30); }
  /**
   * A cursor read that has not answered for this long stops the attempt as transient (it is retried): a stuck read
   * would otherwise hold the job forever, since the heartbeat keeps its lease alive.
   */
  public int exportStallSeconds() { return Math.max(1, integer(EXPORT_STALL_SECONDS, 120)); }
  public int exportMaxAttempts() { return integer(EXPORT_MAX_ATTEMPTS, 5); }
  /** Hand-backs (node shutdowns) a job survives, counted apart from attempts; beyond them it fails for good. */
  public int exportMaxHandBacks() { return Math.max(0, integer(EXPORT_MAX_HAND_BACKS, 10)); }
  /** First retry delay of a failed attempt; doubles per attempt up to EXPORT_RETRY_MAX_MS, with jitter. */
  public long exportRetryBaseMillis() { return Math.max(1, longValue(EXPORT_RETRY_BASE_MS, 5_000L)); }
  public long exportRetryMaxMillis() {
    return Math.max(exportRetryBaseMillis(), longValue(EXPORT_RETRY_MAX_MS, 300_000L));
  }
  /** After the stop grace, how long a handed-back attempt may take to stop before the worker stops regardless. */
  public long exportHandBackMillis() { return Math.max(1, longValue(EXPORT_HAND_BACK_MS, 5_000L)); }
  /** Closing an attempt's cursor, transaction and connection must not hang it on a stuck connection. */
  public long exportCloseTimeoutMillis() { return Math.max(1, longValue(EXPORT_CLOSE_TIMEOUT_MS, 10_000L)); }
  /** How long a failed attempt waits for its other part uploads to end before it aborts the upload. */
  public long exportPartsSettleMillis() { return Math.max(1, longValue(EXPORT_PARTS_SETTLE_MS, 60_000L)); }
  /** A cursor batch slower than this is logged (an export that crawls without stalling shows in the log). */
  public long exportSlowBatchMillis() { return Math.max(1, longValue(EXPORT_SLOW_BATCH_MS, 5_000L)); }
  /** How often an idle worker polls the job table (a new job also wakes workers over the event bus). */
  public long exportPollMillis() { return longValue(EXPORT_POLL_MS, 1_000L); }
  /** On shutdown, how long a worker lets its running export finish before handing it back to the cluster. */
  public long exportStopGraceMillis() { return Math.max(0, longValue(EXPORT_STOP_GRACE_MS, 20_000L)); }
  /** Exports a project may start per rolling hour (429 with Retry-After beyond it). */
  public int exportHourlyLimit() { return integer(EXPORT_HOURLY_LIMIT, 20); }
  /** Days an export file is kept; afterwards it is deleted and its job answers 410 Gone. */
  public int exportRetentionDays() { return integer(EXPORT_RETENTION_DAYS, 30); }
  /** How often the retention janitor runs (one node at a time). */
  public long exportJanitorMillis() { return longValue(EXPORT_JANITOR_MS, 3_600_000L); }
  public String dashboardUrl() { return string(DASHBOARD_URL, "http://localhost:8080"); }

  // Values from the environment arrive as strings; values from the file as JSON types. Accept both.

  private String string(String key, String def) {
    Object v = json.getValue(key);
    return v == null ? def : v.toString().trim();
  }

  private int integer(String key, int def) {
    return (int) longValue(key, def);
  }

  private long longValue(String key, long def) {
    Object v = json.getValue(key);
    if (v == null || v.toString().isBlank()) {
      return def;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("config " + key + " must be a whole number, got '" + v + "'");
    }
  }

  private boolean bool(String key, boolean def) {
    Object v = json.getValue(key);
    if (v == null || v.toString().isBlank()) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("1") || s.equals("yes")) {
      return true;
    }
    if (s.equals("false") || s.equals("0") || s.equals("no")) {
      return false;
    }
    throw new IllegalArgumentException("config " + key + " must be true or false, got '" + v + "'");
  }
}
