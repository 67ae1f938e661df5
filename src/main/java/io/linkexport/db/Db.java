package io.linkexport.db;

import io.linkexport.AppConfig;
import io.linkexport.bus.BusReplies;
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

  public static Pool pool(Vertx vertx, AppConfig config) {
    return pool(vertx, config, config.pgPoolSize());
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
   * The list API's pools. Both cache their prepared statements (a page is one round trip, no Parse/Describe first)
   * and neither runs parallel query ({@code max_parallel_workers_per_gather = 0}: a page is 101 rows, and starting two
   * parallel workers for it cost more than the page; measured on 100,000 links, the clicks-sorted page took 39 ms with
   * a Gather Merge, 29 ms of it before the first row, and under concurrent load the workers competed with the queries
   * for the same two cores). A list query its caller has given up on (the HTTP side answers 503 after the event-bus
   * timeout) is cancelled by {@code statement_timeout} instead of running on and taking the CPU that other pages need.
   *
   * <p>They differ in how Postgres plans a cached statement ({@code plan_cache_mode}, sent as a startup parameter):
   * <ul>
   *   <li>{@code customPlans}: every execution planned with its actual values. For statements with filters: their
   *   selectivity is very uneven (a search term in 8% of the links or in none, a big or a tiny domain), and a cached
   *   generic plan guesses wrong: measured on 100,000 links, {@code search=sale} took 141 ms with the generic plan
   *   (bitmap of every match, then sort) and 13 ms with a custom one (walk the created_at index until a page is
   *   full).</li>
   *   <li>generic plans, planned once per connection: for statements whose only values are the project, the page's
   *   bounds and ids ({@link io.linkexport.links.LinkQuery#bindsOnlyTheProject}). Their best plan does not depend
   *   on the values: walk the sort's index from the project's end. Planning was a fifth of Postgres' time for such
   *   a page: {@code pgbench -M prepared} of the clicks-sorted page, 1.25 -> 0.98 ms per page.</li>
   * </ul>
   * Each has {@code PG_POOL_SIZE} connections (at least 2), and each is one pool for all the query verticles of a
   * Vert.x instance ({@code QUERY_INSTANCES}): shared by name, so that every page waits in one FIFO queue for the
   * next free connection. With a pool per verticle, the event bus handed the pages to the verticles in turn
   * whatever their queues, and the verticle whose event loop also served HTTP connections queued longer: under
   * 32 connections a page waited 1.6-5.5 ms for a connection (median) at one verticle and 8.8-14.8 ms at the
   * other, and the clicks-sorted page's p99 was 63-94 ms against 50-64 ms with one queue (docs/benchmarks.md,
   * 2026-12-02). With more than one query verticle the pool spreads its connections over that many event loops.
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
        .addProperty("statement_timeout", String.valueOf(BusReplies.SEND_TIMEOUT_MS))
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
