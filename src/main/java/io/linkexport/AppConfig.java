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
  public static final String PG_URL = "PG_URL";
  public static final String PG_POOL_SIZE = "PG_POOL_SIZE";
  public static final String S3_ENDPOINT = "S3_ENDPOINT";
  public static final String S3_REGION = "S3_REGION";
  public static final String S3_BUCKET = "S3_BUCKET";
  public static final String S3_ACCESS_KEY_ID = "S3_ACCESS_KEY_ID";
  public static final String S3_SECRET_ACCESS_KEY = "S3_SECRET_ACCESS_KEY";
  public static final String S3_PATH_STYLE = "S3_PATH_STYLE";
  public static final String SMTP_HOST = "SMTP_HOST";
  public static final String SMTP_PORT = "SMTP_PORT";
  public static final String SMTP_USERNAME = "SMTP_USERNAME";
  public static final String SMTP_PASSWORD = "SMTP_PASSWORD";
  public static final String SMTP_STARTTLS = "SMTP_STARTTLS";
  public static final String MAIL_FROM = "MAIL_FROM";
  public static final String SUPABASE_JWT_SECRET = "SUPABASE_JWT_SECRET";
  public static final String SUPABASE_JWKS_URL = "SUPABASE_JWKS_URL";
  public static final String SUPABASE_JWT_ISSUER = "SUPABASE_JWT_ISSUER";
  public static final String EXPORT_MAX_ROWS = "EXPORT_MAX_ROWS";
  public static final String EXPORT_WORKERS = "EXPORT_WORKERS";
  public static final String EXPORT_PART_SIZE_MB = "EXPORT_PART_SIZE_MB";
  public static final String EXPORT_PARTS_IN_FLIGHT = "EXPORT_PARTS_IN_FLIGHT";
  public static final String EXPORT_FETCH_SIZE = "EXPORT_FETCH_SIZE";
  public static final String EXPORT_LEASE_SECONDS = "EXPORT_LEASE_SECONDS";
  public static final String EXPORT_MAX_ATTEMPTS = "EXPORT_MAX_ATTEMPTS";
  public static final String EXPORT_RETRY_BASE_MS = "EXPORT_RETRY_BASE_MS";
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
   * HTTP verticle instances sharing the port (one event loop each); default: one per two cores. On the 2-core
   * bench machine one HTTP verticle beside the query verticle served the clicks-sorted page at p99 48-65 ms against
   * 56-67 ms with two (paired runs, docs/benchmarks.md, 2026-12-02): the cores are shared with Postgres, and a
   * second HTTP event loop only added threads competing for them.
   */
  public int httpInstances() {
    return Math.max(1, integer(HTTP_INSTANCES, Runtime.getRuntime().availableProcessors() / 2));
  }
  /**
   * Query verticle instances (one event loop each); default: one per core. They share the two list pools
   * ({@code Db.listPool}), so every page waits in one queue. Since a page is one statement (V7: tags come with the
   * links), the event loop that decodes its rows and writes its JSON, not Postgres, was the limit with one instance:
   * on the 2-core bench machine its backends sat idle 90% of the time while the clicks-sorted page's p99 reached
   * 93-144 ms, and two instances served it at p99 47-52 ms (paired runs, docs/benchmarks.md, "Tags from the links
   * rows").
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

  public String pgUrl() { return string(PG_URL, "postgresql://postgres:postgres@localhost:5432/linkexport"); }
  public int pgPoolSize() { return integer(PG_POOL_SIZE, 8); }

  public String s3Endpoint() { return string(S3_ENDPOINT, "http://localhost:9000"); }
  public String s3Region() { return string(S3_REGION, "us-east-1"); }
  public String s3Bucket() { return string(S3_BUCKET, "link-exports"); }
  public String s3AccessKeyId() { return string(S3_ACCESS_KEY_ID, ""); }
  public String s3SecretAccessKey() { return string(S3_SECRET_ACCESS_KEY, ""); }
  public boolean s3PathStyle() { return bool(S3_PATH_STYLE, true); }

  public String smtpHost() { return string(SMTP_HOST, "localhost"); }
  public int smtpPort() { return integer(SMTP_PORT, 587); }
  public String smtpUsername() { return string(SMTP_USERNAME, ""); }
  public String smtpPassword() { return string(SMTP_PASSWORD, ""); }
  /** DISABLED, OPTIONAL or REQUIRED (the default: production mail must not travel in clear text). */
  public String smtpStartTls() { return string(SMTP_STARTTLS, "REQUIRED").toUpperCase(Locale.ROOT); }
  public String mailFrom() { return string(MAIL_FROM, "Link Export <no-reply@localhost>"); }

  public String jwtSecret() { return string(SUPABASE_JWT_SECRET, ""); }
  public String jwksUrl() { return string(SUPABASE_JWKS_URL, ""); }
  public String jwtIssuer() { return string(SUPABASE_JWT_ISSUER, ""); }

  public long exportMaxRows() { return longValue(EXPORT_MAX_ROWS, 100_000L); }
  public int exportWorkers() { return integer(EXPORT_WORKERS, 2); }
  public int exportPartSizeBytes() { return integer(EXPORT_PART_SIZE_MB, 5) * 1024 * 1024; }
  /**
   * Part uploads under way at once per export. With one, the export stopped reading whenever the next part filled up
   * before the previous one was uploaded (~200 ms of a 100,000-row export on the bench machine); memory per export is
   * about {@code (EXPORT_PARTS_IN_FLIGHT + 1) * 1.25 * EXPORT_PART_SIZE_MB} (each part buffer has room for the rest of
   * a fetch batch, see CsvUploadSink).
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
  /** First retry delay of a failed attempt; doubles per attempt, capped at 5 minutes, with jitter. */
  public long exportRetryBaseMillis() { return longValue(EXPORT_RETRY_BASE_MS, 5_000L); }
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
