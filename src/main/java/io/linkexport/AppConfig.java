package io.linkexport;

import io.linkexport.webhooks.RetrySchedule;
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
 * The one typed view over the service's configuration; the key names are {@link ConfigKeys}. Precedence, lowest
 * first: {@code conf/config.json} (or the file named by {@code CONFIG_FILE}), environment variables, JVM system
 * properties. Secrets ({@code S3_SECRET_ACCESS_KEY}, {@code SMTP_PASSWORD}, {@code SUPABASE_JWT_SECRET}, the cluster
 * key store passwords) belong in the environment, never in the file.
 *
 * <p>Every getter checks its value and throws {@link IllegalArgumentException} naming the key when it is out of range:
 * a bad value is refused at start ({@link ConfigCheck}), never clamped silently. The raw JSON travels to every verticle
 * as its deployment config; each verticle rebuilds this view with {@link #from(JsonObject)}.
 */
public final class AppConfig implements ConfigKeys {

  private static final int MAX_PORT = 65_535;
  private static final long DAY_MS = 86_400_000L;

  private final JsonObject json;
  private final ConfigValues values;

  private AppConfig(JsonObject json) {
    this.json = json;
    this.values = new ConfigValues(json);
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

  /** Metrics, health, draining, logs and read replicas (README "Operations"). */
  public OpsConfig ops() {
    return new OpsConfig(values);
  }

  /** Every key read so far with the value in force (defaults included); {@link ConfigCheck#effective} reads all. */
  java.util.Map<String, Object> resolved() {
    return values.resolved();
  }

  /** A copy with one key replaced; used by tests and the dev stack. */
  public AppConfig with(String key, Object value) {
    return new AppConfig(json.copy().put(key, value));
  }

  // ---- HTTP and event bus ------------------------------------------------------------------------------------------

  public int httpPort() { return integer(HTTP_PORT, 8080, 0, MAX_PORT); }
  public String httpHost() { return required(HTTP_HOST, "0.0.0.0"); }
  /** HTTP verticles sharing the port; default one per two cores (more only competed with Postgres for the cores). */
  public int httpInstances() {
    return integer(HTTP_INSTANCES, Math.max(1, Runtime.getRuntime().availableProcessors() / 2), 1, 64);
  }
  /** Query verticles (one event loop each, sharing the list pools); default one per core. */
  public int queryInstances() {
    return integer(QUERY_INSTANCES, Runtime.getRuntime().availableProcessors(), 1, 64);
  }
  /** Every event-bus request's timeout; also the list pools' statement_timeout (a page nobody waits for stops). */
  public long busSendTimeoutMillis() { return longValue(BUS_SEND_TIMEOUT_MS, 5_000, 100, 600_000); }
  /** How long a checked project membership is reused; a removed member loses access within it. */
  public long accessCacheMillis() { return longValue(ACCESS_CACHE_MS, 5_000, 0, 600_000); }
  /** A link's qrCode is this URL with ?url= its short link (dub's QR code service by default). */
  public String qrCodeBaseUrl() { return url(QR_CODE_BASE_URL, "https://api.dub.co/qr"); }

  // ---- cluster -----------------------------------------------------------------------------------------------------

  /** Clustered mode (Hazelcast, TCP/IP members only); off = one node, no Hazelcast loaded. */
  public boolean cluster() { return bool(CLUSTER, false); }
  /** The address this node binds and announces for Hazelcast and the event bus. */
  public String clusterHost() { return required(CLUSTER_HOST, "127.0.0.1"); }
  /** Hazelcast member port (the event bus uses a random port announced through Hazelcast). */
  public int clusterPort() { return integer(CLUSTER_PORT, 5701, 1, MAX_PORT); }
  /** Comma-separated {@code host[:port]} of the members to join (this node may be listed). */
  public List<String> clusterMembers() {
    return java.util.Arrays.stream(string(CLUSTER_MEMBERS, "").split(","))
      .map(String::trim).filter(m -> !m.isEmpty()).toList();
  }
  public String clusterName() { return required(CLUSTER_NAME, "link-export"); }
  /** PKCS#12 key store of this node's event-bus certificate (clustered mode); empty = none. */
  public String clusterTlsKeyStore() { return string(CLUSTER_TLS_KEY_STORE, ""); }
  public String clusterTlsKeyStorePassword() { return string(CLUSTER_TLS_KEY_STORE_PASSWORD, ""); }
  /** PKCS#12 trust store: the certificates (or the CA) of the cluster's nodes. */
  public String clusterTlsTrustStore() { return string(CLUSTER_TLS_TRUST_STORE, ""); }
  public String clusterTlsTrustStorePassword() { return string(CLUSTER_TLS_TRUST_STORE_PASSWORD, ""); }
  /** Run a cluster whose event bus is plain TCP, open to anyone who reaches it: for a closed test network only. */
  public boolean clusterAllowInsecure() { return bool(CLUSTER_ALLOW_INSECURE, false); }
  /** How long a starting node looks for a master, and a master gathers joiners (Hazelcast's default for both: 5 s). */
  public int clusterJoinWaitSeconds() { return integer(CLUSTER_JOIN_WAIT_SECONDS, 5, 1, 60); }
  /** Whether the event bus runs TLS with client certificates (both stores set). */
  public boolean clusterTls() { return !clusterTlsKeyStore().isEmpty() && !clusterTlsTrustStore().isEmpty(); }

  // ---- Postgres ----------------------------------------------------------------------------------------------------

  public String pgUrl() { return required(PG_URL, "postgresql://postgres:postgres@localhost:5432/linkexport"); }
  /** Connections of each of the two list pools (shared by the query verticles). */
  public int pgPoolSize() { return integer(PG_POOL_SIZE, 8, 2, 1_000); }
  /** List and count queries one project runs at once on a node; default: a list pool less two connections. */
  public int listProjectConcurrency() {
    return integer(LIST_PROJECT_CONCURRENCY, Math.max(1, pgPoolSize() - 2), 1, 1_000);
  }
  /** The HTTP verticle's pool: authorisation look-ups and /health. */
  public int pgHttpPoolSize() { return integer(PG_HTTP_POOL_SIZE, 4, 1, 1_000); }
  public int pgExportApiPoolSize() { return integer(PG_EXPORT_API_POOL_SIZE, 4, 1, 1_000); }
  /** Each export worker's pool: its snapshot connection plus heartbeats and job writes. */
  public int pgWorkerPoolSize() { return integer(PG_WORKER_POOL_SIZE, 3, 2, 1_000); }
  public int pgMailPoolSize() { return integer(PG_MAIL_POOL_SIZE, 2, 1, 1_000); }
  /** How long an API, HTTP or mail statement waits for a lock (then 503 or a retry); lists and exports: own limits. */
  public long pgLockTimeoutMillis() { return longValue(PG_LOCK_TIMEOUT_MS, 2_000, 1, 600_000); }
  /** A migration waits this long for its lock, then gives way to traffic and tries again (3 tries in all). */
  public long pgMigrationLockTimeoutMillis() { return longValue(PG_MIGRATION_LOCK_TIMEOUT_MS, 5_000, 1, 600_000); }

  // ---- S3 ----------------------------------------------------------------------------------------------------------

  public String s3Endpoint() { return url(S3_ENDPOINT, "http://localhost:9000"); }
  public String s3Region() { return required(S3_REGION, "us-east-1"); }
  public String s3Bucket() { return required(S3_BUCKET, "link-exports"); }
  public String s3AccessKeyId() { return string(S3_ACCESS_KEY_ID, ""); }
  public String s3SecretAccessKey() { return string(S3_SECRET_ACCESS_KEY, ""); }
  public boolean s3PathStyle() { return bool(S3_PATH_STYLE, true); }
  /** Attempts of an idempotent S3 request (part upload, abort, delete, list) before the export attempt fails. */
  public int s3MaxAttempts() { return integer(S3_MAX_ATTEMPTS, 4, 1, 100); }
  public long s3RetryBaseMillis() { return longValue(S3_RETRY_BASE_MS, 200, 1, DAY_MS); }
  public long s3RetryMaxMillis() { return longValue(S3_RETRY_MAX_MS, 10_000, s3RetryBaseMillis(), DAY_MS); }
  public int s3ConnectTimeoutMillis() { return integer(S3_CONNECT_TIMEOUT_MS, 5_000, 1, 600_000); }
  /** A request (or a pooled connection) that sees no byte for this long is closed. */
  public int s3IdleTimeoutMillis() { return integer(S3_IDLE_TIMEOUT_MS, 30_000, 1, 3_600_000); }

  // ---- mail --------------------------------------------------------------------------------------------------------

  public String smtpHost() { return required(SMTP_HOST, "localhost"); }
  public int smtpPort() { return integer(SMTP_PORT, 587, 1, MAX_PORT); }
  public String smtpUsername() { return string(SMTP_USERNAME, ""); }
  public String smtpPassword() { return string(SMTP_PASSWORD, ""); }
  /** DISABLED, OPTIONAL or REQUIRED (the default: production mail must not travel in clear text). */
  public String smtpStartTls() { return oneOf(SMTP_STARTTLS, "REQUIRED", List.of("DISABLED", "OPTIONAL", "REQUIRED")); }
  public int smtpConnectTimeoutMillis() { return integer(SMTP_CONNECT_TIMEOUT_MS, 10_000, 1, 600_000); }
  /** An SMTP exchange that sees no byte for this long fails (and closes its connection); also bounds a whole send. */
  public int smtpTimeoutMillis() { return integer(SMTP_TIMEOUT_MS, 20_000, 1, 600_000); }
  public String mailFrom() { return required(MAIL_FROM, "Link Export <no-reply@localhost>"); }
  public long mailPollMillis() { return longValue(MAIL_POLL_MS, 1000, 50, DAY_MS); }
  public int mailMaxAttempts() { return integer(MAIL_MAX_ATTEMPTS, 20, 1, 1_000); }
  public long mailRetryBaseMillis() { return longValue(MAIL_RETRY_BASE_MS, 5_000, 1, DAY_MS); }
  public long mailRetryMaxMillis() { return longValue(MAIL_RETRY_MAX_MS, 600_000, mailRetryBaseMillis(), DAY_MS); }
  /** How long a claimed email belongs to its sender; must exceed twice the longest send (checked at start). */
  public int mailLeaseSeconds() { return integer(MAIL_LEASE_SECONDS, 60, 1, 86_400); }
  public String dashboardUrl() { return url(DASHBOARD_URL, "http://localhost:8080"); }

  // ---- webhooks ----------------------------------------------------------------------------------------------------

  /** Lets webhooks target plain http and loopback, private or link-local addresses (development and tests only). */
  public boolean webhookAllowPrivateTargets() { return bool(WEBHOOK_ALLOW_PRIVATE_TARGETS, false); }
  /** A delivery that has not had its answer within this long failed (the attempt's connection is closed). */
  public int webhookTimeoutMillis() { return integer(WEBHOOK_TIMEOUT_MS, 15_000, 100, 300_000); }
  /** The delays between a delivery's attempts (webhooks.RetrySchedule); after the last one it is given up. */
  public RetrySchedule webhookRetrySchedule() {
    try {
      return RetrySchedule.parse(required(WEBHOOK_RETRY_SCHEDULE, "5s,1m,5m,30m,1h,2h,4h,8h,8h"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(WEBHOOK_RETRY_SCHEDULE + ": " + e.getMessage(), e);
    }
  }

  // ---- sessions ----------------------------------------------------------------------------------------------------

  public String jwtSecret() { return string(SUPABASE_JWT_SECRET, ""); }
  public String jwksUrl() { return string(SUPABASE_JWKS_URL, "").isEmpty() ? "" : url(SUPABASE_JWKS_URL, ""); }
  public String jwtIssuer() { return string(SUPABASE_JWT_ISSUER, ""); }
  /** How often the JWKS is fetched again (an unknown kid also fetches it, at most once a minute). */
  public long jwksRefreshMillis() { return longValue(JWKS_REFRESH_MS, 600_000, 1_000, DAY_MS); }

  // ---- exports -----------------------------------------------------------------------------------------------------

  public long exportMaxRows() { return longValue(EXPORT_MAX_ROWS, 100_000L, 1, 100_000_000); }
  /** Links a split export may hold in all its files; default 2,000,000 kept within 1 to 100 times EXPORT_MAX_ROWS. */
  public long exportMaxTotalRows() {
    long def = Math.max(exportMaxRows(), Math.min(2_000_000L, 100 * exportMaxRows()));
    return longValue(EXPORT_MAX_TOTAL_ROWS, def, 1, 1_000_000_000);
  }
  /** Exports a project may start per rolling hour (429 with Retry-After beyond it). */
  public int exportHourlyLimit() { return integer(EXPORT_HOURLY_LIMIT, 20, 1, 1_000_000); }
  public int exportWorkers() { return integer(EXPORT_WORKERS, 2, 0, 64); }
  /** S3 part size: at least S3's minimum of 5 MiB, at most its maximum of 5 GiB. */
  public int exportPartSizeBytes() { return integer(EXPORT_PART_SIZE_MB, 5, 5, 2_047) * 1024 * 1024; }
  /** Part uploads under way at once per export; memory per export is about (this + 1) x 1.25 x the part size. */
  public int exportPartsInFlight() { return integer(EXPORT_PARTS_IN_FLIGHT, 2, 1, 16); }
  /** Rows per FETCH; two batches of decoded rows are live at once, which a small heap pays for in GC (README). */
  public int exportFetchSize() { return integer(EXPORT_FETCH_SIZE, 1000, 1, 100_000); }
  /** How the export's cursor is planned (export.ReadPlan): auto, fast-start or total. */
  public String exportReadPlan() {
    return oneOf(EXPORT_READ_PLAN, "AUTO", List.of("AUTO", "FAST-START", "TOTAL")).toLowerCase(Locale.ROOT);
  }
  /**
   * Readers of one export's snapshot (export.SnapshotReads), each a connection of the worker's reader pool: by
   * default half the cores, at most 4 (1 on 2 cores: there two readers saved 0-16% alone and slowed exports and list
   * pages under load, docs/benchmarks.md "Parallel reads"); 1 reads through one cursor. A node holds at most
   * EXPORT_WORKERS x (this - 1) reader connections besides its pools.
   */
  public int exportReadParallelism() {
    int half = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    return integer(EXPORT_READ_PARALLELISM, half, 1, 16);
  }
  /** An export of fewer rows reads through one cursor (cutting ranges costs more than it saves). */
  public long exportParallelMinRows() { return longValue(EXPORT_PARALLEL_MIN_ROWS, 50_000L, 1, Long.MAX_VALUE); }
  /** Share of the time an export works while this node runs list queries (export.ExportPacing); 100: never yields. */
  public int exportBusyPercent() { return integer(EXPORT_BUSY_PERCENT, 10, 1, 100); }
  /** Job lease; the heartbeat renews it every third (0.5 to 2 s). */
  public int exportLeaseSeconds() { return integer(EXPORT_LEASE_SECONDS, 30, 2, 3_600); }
  /** A read without progress for this long stops the attempt (retried); the heartbeat would keep it leased forever. */
  public int exportStallSeconds() { return integer(EXPORT_STALL_SECONDS, 120, 1, 3_600); }
  /** A cursor batch slower than this is logged (an export that crawls without stalling shows in the log). */
  public long exportSlowBatchMillis() { return longValue(EXPORT_SLOW_BATCH_MS, 5_000L, 1, DAY_MS); }
  public int exportMaxAttempts() { return integer(EXPORT_MAX_ATTEMPTS, 5, 1, 100); }
  /** Hand-backs (node shutdowns) a job survives, counted apart from attempts; beyond them it fails for good. */
  public int exportMaxHandBacks() { return integer(EXPORT_MAX_HAND_BACKS, 10, 0, 1_000); }
  /** First retry delay of a failed attempt; doubles per attempt up to EXPORT_RETRY_MAX_MS, with jitter. */
  public long exportRetryBaseMillis() { return longValue(EXPORT_RETRY_BASE_MS, 5_000L, 1, DAY_MS); }
  public long exportRetryMaxMillis() {
    return longValue(EXPORT_RETRY_MAX_MS, 300_000L, exportRetryBaseMillis(), DAY_MS);
  }
  /** How often an idle worker polls the job table (a new job also wakes workers over the event bus). */
  public long exportPollMillis() { return longValue(EXPORT_POLL_MS, 1_000L, 10, DAY_MS); }
  /** On shutdown, how long a worker lets its running export finish before handing it back to the cluster. */
  public long exportStopGraceMillis() { return longValue(EXPORT_STOP_GRACE_MS, 20_000L, 0, DAY_MS); }
  /** After the stop grace, how long a handed-back attempt may take to stop before the worker stops regardless. */
  public long exportHandBackMillis() { return longValue(EXPORT_HAND_BACK_MS, 5_000L, 1, DAY_MS); }
  /** Closing an attempt's cursor, transaction and connection must not hang it on a stuck connection. */
  public long exportCloseTimeoutMillis() { return longValue(EXPORT_CLOSE_TIMEOUT_MS, 10_000L, 1, DAY_MS); }
  /** How long a failed attempt waits for its other part uploads to end before it aborts the upload. */
  public long exportPartsSettleMillis() { return longValue(EXPORT_PARTS_SETTLE_MS, 60_000L, 1, DAY_MS); }
  /** Days an export file is kept (at least one); afterwards it is deleted and its job answers 410 Gone. */
  public int exportRetentionDays() { return integer(EXPORT_RETENTION_DAYS, 30, 1, 36_500); }
  /** How often the retention janitor runs (one node at a time). */
  public long exportJanitorMillis() { return longValue(EXPORT_JANITOR_MS, 3_600_000L, 100, DAY_MS); }
  /** How often each node looks for due export schedules (a run starts at most this late). */
  public long schedulePollMillis() { return longValue(SCHEDULE_POLL_MS, 30_000L, 50, DAY_MS); }

  // ---- reading values (ConfigValues: checked, and remembered for the effective configuration) ---------------------

  private String string(String key, String def) { return values.string(key, def); }
  private String required(String key, String def) { return values.required(key, def); }
  private String oneOf(String key, String def, List<String> allowed) { return values.oneOf(key, def, allowed); }
  private String url(String key, String def) { return values.url(key, def); }
  private int integer(String key, int def, int min, int max) { return values.integer(key, def, min, max); }
  private long longValue(String key, long def, long min, long max) { return values.longValue(key, def, min, max); }
  private boolean bool(String key, boolean def) { return values.bool(key, def); }
}
