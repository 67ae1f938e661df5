package io.linkexport.db;

import io.linkexport.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the Postgres pool from {@code PG_URL}. {@code PgPool} is gone in Vert.x 5: {@link PgBuilder} replaces it. */
public final class Db {

  private Db() {
  }

  public static PgConnectOptions connectOptions(AppConfig config) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(config.pgUrl());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("PG_URL is not a valid postgresql:// URL", e);
    }
    return options
      .addProperty("application_name", "link-export")
      .setReconnectAttempts(2)
      .setReconnectInterval(500)
      .setCachePreparedStatements(true)
      .setPreparedStatementCacheMaxSize(256);
  }

  public static Pool pool(Vertx vertx, AppConfig config, int size) {
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(size).setName("link-export-" + size).setShared(false)
        .setIdleTimeout(60).setMaxWaitQueueSize(1024))
      .connectingTo(connectOptions(config))
      .using(vertx)
      .build();
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
    int instances = config.queryInstances();
    return PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(Math.max(2, config.pgPoolSize()))
        // Shared by name within this Vert.x instance; the database is in the name so that another database never
        // gets these connections.
        .setName((customPlans ? LIST_CUSTOM_PLANS : LIST_GENERIC_PLANS) + "@" + describe(config)).setShared(true)
        .setEventLoopSize(instances > 1 ? instances : 0)
        .setIdleTimeout(60).setMaxWaitQueueSize(1024))
      .connectingTo(connectOptions(config)
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
    PgConnectOptions o = connectOptions(config);
    return o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
  }
}
