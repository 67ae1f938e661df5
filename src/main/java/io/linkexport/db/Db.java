package io.linkexport.db;

import io.linkexport.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Builds the Postgres pools ({@code PgPool} is gone in Vert.x 5: {@link PgBuilder} replaces it). Every connection
 * carries the server-side limits of its {@link Workload}, so nothing the service runs can wait without bound: a lock
 * wait ends after {@code PG_LOCK_TIMEOUT_MS}, a statement after the workload's timeout, a transaction left idle (a
 * frozen or partitioned process) is ended by the server, and TCP keepalives let the server notice a peer that vanished.
 */
public final class Db {

  /** Keepalive probes after 30 s idle, every 10 s, 3 of them: a vanished client is noticed within a minute. */
  private static final String KEEPALIVE_IDLE_S = "30";
  private static final String KEEPALIVE_INTERVAL_S = "10";
  private static final String KEEPALIVE_COUNT = "3";
  /** A running statement checks this often that its client is still there (Postgres 14+). */
  private static final String CONNECTION_CHECK_MS = "10000";

  /**
   * What a pool's connections do, and so their limits ({@code statement_timeout},
   * {@code idle_in_transaction_session_timeout}) and {@code application_name} (shown in {@code pg_stat_activity}).
   */
  public enum Workload {
    /** Authorisation look-ups and /health: short statements, no transactions held. */
    HTTP("link-export-http"),
    /** Export starts, status, list, cancel, retention: short transactions. */
    EXPORT_API("link-export-api"),
    /** An export's snapshot transaction, its heartbeats and job writes. */
    WORKER("link-export-worker"),
    /** The other readers of a parallel export's snapshot (export.SnapshotReads): the worker's limits. */
    READER("link-export-reader"),
    /** The mail outbox. */
    MAIL("link-export-mail"),
    /** Operator commands, migrations (they set their own lock limit) and tests: no limits (a rebuild takes long). */
    ADMIN("link-export-admin");

    private final String applicationName;

    Workload(String applicationName) {
      this.applicationName = applicationName;
    }

    public String applicationName() {
      return applicationName;
    }
  }

  private Db() {
  }

  public static PgConnectOptions connectOptions(AppConfig config) {
    return connectOptions(config.pgUrl());
  }

  /** The options of the database at {@code url} (the primary's {@code PG_URL} or a replica's). */
  public static PgConnectOptions connectOptions(String url) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a valid postgresql:// URL: " + url.replaceAll("//[^@/]*@", "//***@"), e);
    }
    return options
      .addProperty("application_name", "link-export")
      .addProperty("tcp_keepalives_idle", KEEPALIVE_IDLE_S)
      .addProperty("tcp_keepalives_interval", KEEPALIVE_INTERVAL_S)
      .addProperty("tcp_keepalives_count", KEEPALIVE_COUNT)
      .addProperty("client_connection_check_interval", CONNECTION_CHECK_MS)
      .setReconnectAttempts(2)
      .setReconnectInterval(500)
      .setCachePreparedStatements(true)
      .setPreparedStatementCacheMaxSize(256)
      .setPreparedStatementCacheSqlLimit(PREPARED_STATEMENT_SQL_LIMIT);
  }

  /**
   * The longest statement text the pools keep prepared. The client's default, 2,048 characters, left a cursor page of
   * a sort with nulls (three branches, ~5,000 characters) parsed and planned on every execution (1.2 ms of Postgres
   * CPU where a kept plan takes none): such a page served less than half the first page's requests per second.
   */
  public static final int PREPARED_STATEMENT_SQL_LIMIT = 32_768;

  /**
   * The connection options of a workload: the statement limit is the event-bus timeout for everything a caller waits
   * for (nobody waits longer for the answer); an export's snapshot reads are bounded by twice the stall limit (the
   * stall watchdog cancels them first). A transaction idle for longer than its workload ever needs is ended by the
   * server: for an export that is twice the stall limit (an attempt waiting longer is stopped by its watchdog, so an
   * older idle snapshot belongs to a frozen or cut-off process and only holds back vacuum and migrations).
   */
  public static PgConnectOptions connectOptions(AppConfig config, Workload workload) {
    return connectOptions(config, workload, config.pgUrl());
  }

  /** As {@link #connectOptions(AppConfig, Workload)}, to the database at {@code url} (a read replica's). */
  public static PgConnectOptions connectOptions(AppConfig config, Workload workload, String url) {
    long bus = config.busSendTimeoutMillis();
    long stall = config.exportStallSeconds() * 1000L;
    long[] limits = switch (workload) {
      case HTTP, MAIL -> new long[] {bus, 2 * bus};
      case EXPORT_API -> new long[] {bus, 60_000};
      case WORKER, READER -> new long[] {2 * stall, 2 * stall};
      case ADMIN -> new long[] {0, 0};
    };
    // Every pool gives up on a lock after PG_LOCK_TIMEOUT_MS, the worker's too: its job writes (count, heartbeat,
    // completion) fail fast on a job row another session holds, and the attempt is retried, rather than wait minutes.
    // The export's snapshot reads lift the limit for their own transaction (sql/export_snapshot_limits.sql): their
    // stall watchdog ends a read without progress, and the statement limit backs it up.
    long lock = workload == Workload.ADMIN ? 0 : config.pgLockTimeoutMillis();
    return connectOptions(url)
      .addProperty("application_name", workload.applicationName())
      .addProperty("statement_timeout", String.valueOf(limits[0]))
      .addProperty("idle_in_transaction_session_timeout", String.valueOf(limits[1]))
      .addProperty("lock_timeout", String.valueOf(lock));
  }

  /** A pool of {@code size} connections for {@code workload}. */
  public static Pool pool(Vertx vertx, AppConfig config, Workload workload, int size) {
    return pool(vertx, config, workload, size, config.pgUrl());
  }

  /** As {@link #pool(Vertx, AppConfig, Workload, int)}, on the database at {@code url} (a read replica's). */
  public static Pool pool(Vertx vertx, AppConfig config, Workload workload, int size, String url) {
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(size).setName(workload.applicationName() + "-" + size).setShared(false)
        .setIdleTimeout(60).setMaxWaitQueueSize(1024))
      .with(net())
      .connectingTo(connectOptions(config, workload, url))
      .using(vertx)
      .build();
  }

  /** Client-side keepalives too, so a connection to a vanished server is not trusted forever. */
  private static NetClientOptions net() {
    return new NetClientOptions().setTcpKeepAlive(true);
  }

  /** A pool for operator commands, migrations and tests ({@link Workload#ADMIN}). */
  public static Pool pool(Vertx vertx, AppConfig config, int size) {
    return pool(vertx, config, Workload.ADMIN, size);
  }

  /** {@code application_name} of the list pools' connections. */
  public static final String LIST_CUSTOM_PLANS = "link-export-list";
  public static final String LIST_GENERIC_PLANS = "link-export-list-generic";

  /**
   * The list API's pools; each is one pool of {@code PG_POOL_SIZE} connections (at least 2) for all the query
   * verticles of a Vert.x instance (shared by name, so every page waits in one FIFO queue; a pool per verticle queued
   * pages unevenly). Both cache prepared statements, run no parallel query (a page is 101 rows: starting workers cost
   * more than the page) and cancel a page its caller gave up on ({@code statement_timeout} = the bus timeout). They
   * differ in planning ({@code plan_cache_mode}): {@code customPlans} plans every execution with its values, for pages
   * with filters (whose selectivity is very uneven); the other plans once per connection, for pages whose only value
   * is the project ({@code LinkQuery.bindsOnlyTheProject}). Figures: docs/benchmarks.md.
   */
  public static Pool listPool(Vertx vertx, AppConfig config, boolean customPlans) {
    return listPool(vertx, config, customPlans, config.pgUrl());
  }

  /** As {@link #listPool(Vertx, AppConfig, boolean)}, on the database at {@code url} (a read replica's). */
  public static Pool listPool(Vertx vertx, AppConfig config, boolean customPlans, String url) {
    int instances = config.queryInstances();
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(Math.max(2, config.pgPoolSize()))
        // Shared by name within this Vert.x instance; the database is in the name so that another database never
        // gets these connections.
        .setName((customPlans ? LIST_CUSTOM_PLANS : LIST_GENERIC_PLANS) + "@" + describe(url)).setShared(true)
        .setEventLoopSize(instances > 1 ? instances : 0)
        .setIdleTimeout(60).setMaxWaitQueueSize(1024))
      .with(net())
      .connectingTo(connectOptions(url)
        // Which pool a backend belongs to shows in pg_stat_activity (ListPlanPoolsIT relies on it too).
        .addProperty("application_name", customPlans ? LIST_CUSTOM_PLANS : LIST_GENERIC_PLANS)
        .addProperty("plan_cache_mode", customPlans ? "force_custom_plan" : "force_generic_plan")
        .addProperty("statement_timeout", String.valueOf(config.busSendTimeoutMillis()))
        .addProperty("max_parallel_workers_per_gather", "0"))
      .using(vertx)
      .build();
  }

  /** "host:port/db" for messages; never the password. */
  public static String describe(AppConfig config) {
    return describe(config.pgUrl());
  }

  /** "host:port/db" of {@code url}; never the password. */
  public static String describe(String url) {
    PgConnectOptions o = connectOptions(url);
    return o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }
}
