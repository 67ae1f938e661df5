package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkQuery;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The export's SQL-declared cursor on a real Postgres: every row once and in order, whatever the batch boundaries. */
class DeclaredCursorIT {

  private static final AppConfig CONFIG = TestApp.testConfig();
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = Db.pool(vertx, CONFIG, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * Reads a whole cursor the export's way, on a worker context like the export's, in a read-only REPEATABLE READ
   * transaction: every row of a batch handled, then (after up to {@code maxPauseMs}, so the batch read ahead has
   * sometimes arrived and sometimes not) the next read.
   */
  static final class Reader extends VerticleBase {
    final String sql;
    final Tuple params;
    final int fetchSize;
    final int maxPauseMs;
    final List<Long> seen = new ArrayList<>();
    final Promise<Integer> done = Promise.promise();
    int reads;

    Reader(String sql, Tuple params, int fetchSize, int maxPauseMs) {
      this.sql = sql;
      this.params = params;
      this.fetchSize = fetchSize;
      this.maxPauseMs = maxPauseMs;
    }

    @Override
    public Future<?> start() {
      pool.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
          .compose(v -> DeclaredCursor.declare(conn, new LinkQuery.Sql(sql, params), fetchSize))
          .compose(cursor -> {
            Promise<Void> drained = Promise.promise();
            next(cursor, drained);
            return drained.future().eventually(cursor::close);
          }))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            done.tryComplete(reads);
          } else {
            done.tryFail(ar.cause());
          }
        });
      return Future.succeededFuture();
    }

    void next(DeclaredCursor cursor, Promise<Void> drained) {
      cursor.read().onComplete(ar -> {
        if (ar.failed()) {
          drained.tryFail(ar.cause());
          return;
        }
        reads++;
        for (Row r : ar.result().rows()) {
          seen.add(r.getLong(0));
        }
        if (ar.result().last()) {
          drained.tryComplete();
          return;
        }
        int pause = ThreadLocalRandom.current().nextInt(maxPauseMs + 1);
        if (pause == 0) {
          next(cursor, drained);
        } else {
          vertx.setTimer(pause, t -> next(cursor, drained));
        }
      });
    }
  }

  private static Reader read(int rows, int fetchSize, int maxPauseMs) throws Exception {
    Reader reader = new Reader("SELECT g::bigint FROM generate_series(1, $1::int) g ORDER BY g", Tuple.of(rows),
      fetchSize, maxPauseMs);
    String id = vertx.deployVerticle(reader, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try {
      reader.done.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return reader;
    } finally {
      vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Verifies every row once and in order for results shorter than, equal to and a multiple of a batch, and empty. */
  @Test
  void readsEveryRowOnceInOrderAcrossBatchBoundaries() throws Exception {
    int[][] cases = {{0, 50, 1}, {1, 50, 1}, {49, 50, 1}, {50, 50, 2}, {51, 50, 2}, {2_000, 50, 41},
      {40_000, 5000, 9}, {40_001, 5000, 9}};
    for (int[] c : cases) {
      Reader r = read(c[0], c[1], 3);
      assertThat(r.seen).as("%d rows in batches of %d", c[0], c[1]).hasSize(c[0]);
      for (int i = 0; i < c[0]; i++) {
        assertThat(r.seen.get(i)).as("row %d of %d", i, c[0]).isEqualTo(i + 1L);
      }
      assertThat(r.reads).as("reads for %d rows in batches of %d", c[0], c[1]).isEqualTo(c[2]);
    }
  }

  /**
   * Verifies that the export's own statement for a clicks-sorted export, declared as a cursor, walks the rollups'
   * clicks index instead of sorting: the plan that only a fast-start cursor over the rollups-scoped query gets
   * (scoped on links, every plan needs a sort; planned for the whole result, Postgres prefers a hash join and a sort
   * at 100,000 links, see {@code theDeclaredCursorIsPlannedForAFastStart}).
   */
  @Test
  void theExportsDeclaredCursorWalksTheClicksIndex() throws Exception {
    UUID project;
    try (Fixtures db = Fixtures.of(CONFIG)) {
      project = db.project("Declared cursor plan", "pro");
      db.bulkLinks(project, 2_000, "dc-" + UUID.randomUUID().toString().substring(0, 6));
      db.exec("ANALYZE links");
      db.exec("ANALYZE link_stats");
    }
    LinkQuery.Sql sql = LinkQuery.of(project, LinkFilter.fromJson(new JsonObject("{\"showArchived\":true,"
      + "\"sortBy\":\"clicks\"}"))).renderOrdered(SqlStatements.get("links_export"));
    String plan = pool.withTransaction(conn -> explain(conn, "EXPLAIN DECLARE c NO SCROLL CURSOR FOR " + sql.text(),
        sql.params()))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(plan).contains("link_stats_project_clicks_idx").doesNotContain("Sort");
  }

  /**
   * Verifies that Postgres plans a declared cursor for a fast start. The export's choice in miniature: ten projects'
   * rollups with an index by (project, clicks), their links by primary key, one project's rows sorted by clicks. The
   * whole-result plan (what a protocol-level portal gets) hashes and sorts; the declared cursor walks the index.
   */
  @Test
  void theDeclaredCursorIsPlannedForAFastStart() throws Exception {
    String query = "SELECT l.pad, s.clicks FROM fs_links l JOIN fs_stats s ON s.link_id = l.id WHERE s.project = 3"
      + " ORDER BY s.clicks DESC, s.link_id DESC";
    List<String> plans = pool.withTransaction(conn -> run(conn,
          "CREATE TEMP TABLE fs_links (id int PRIMARY KEY, pad text) ON COMMIT DROP",
          "CREATE TEMP TABLE fs_stats (link_id int PRIMARY KEY, project int, clicks int) ON COMMIT DROP",
          "INSERT INTO fs_links SELECT g, repeat('x', 80) FROM generate_series(1, 200000) g",
          "INSERT INTO fs_stats SELECT g, g % 10, (g * 7919) % 1000 FROM generate_series(1, 200000) g",
          "CREATE INDEX ON fs_stats (project, clicks DESC, link_id DESC)",
          "ANALYZE fs_links", "ANALYZE fs_stats", "SET LOCAL max_parallel_workers_per_gather = 0")
        .compose(v -> explain(conn, "EXPLAIN " + query, Tuple.tuple()))
        .compose(whole -> explain(conn, "EXPLAIN DECLARE c NO SCROLL CURSOR FOR " + query, Tuple.tuple())
          .map(fast -> List.of(whole, fast))))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(plans.get(0)).as("the whole-result plan").contains("Sort");
    assertThat(plans.get(1)).as("the declared cursor's plan")
      .contains("Nested Loop", "using fs_stats_project_clicks_link_id_idx").doesNotContain("Sort");
  }

  /**
   * Verifies the two plans {@link ReadPlan} chooses between, on the export's shape (links joined to their rollups by
   * primary key, sorted by creation date on the links' index), under both Postgres configurations the bench runs
   * (work_mem 4 MB, stock; 16 MB, tuned): planned for a fast start the cursor walks the index and probes the rollups
   * row by row; planned for its total time, an export that is most of the table reads it in one pass and sorts.
   */
  @Test
  void aCursorPlannedForItsTotalTimeReadsALargeShareInOnePass() throws Exception {
    String query = "SELECT l.pad, s.clicks FROM rp_links l JOIN rp_stats s ON s.link_id = l.id WHERE l.project = 1"
      + " ORDER BY l.created DESC, l.id DESC";
    List<String> plans = pool.withTransaction(conn -> run(conn,
          "CREATE TEMP TABLE rp_links (id int PRIMARY KEY, project int, created int, pad text) ON COMMIT DROP",
          "CREATE TEMP TABLE rp_stats (link_id int PRIMARY KEY, clicks int) ON COMMIT DROP",
          // project 1 holds 90% of the rows, in no creation order on disk
          "INSERT INTO rp_links SELECT g, CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END, (g * 7919) % 200000,"
            + " repeat('x', 80) FROM generate_series(1, 200000) g",
          "INSERT INTO rp_stats SELECT g, g % 1000 FROM generate_series(1, 200000) g",
          "CREATE INDEX ON rp_links (project, created DESC, id DESC)",
          "ANALYZE rp_links", "ANALYZE rp_stats", "SET LOCAL max_parallel_workers_per_gather = 0")
        .compose(v -> {
          Future<List<String>> all = Future.succeededFuture(new ArrayList<>());
          for (String workMem : List.of("4MB", "16MB")) {
            for (ReadPlan plan : ReadPlan.values()) {
              all = all.compose(out -> run(conn, "SET LOCAL work_mem = '" + workMem + "'",
                  "SET LOCAL cursor_tuple_fraction = " + plan.tupleFraction())
                .compose(x -> explain(conn, "EXPLAIN DECLARE c NO SCROLL CURSOR FOR " + query, Tuple.tuple()))
                .map(p -> {
                  out.add(workMem + " " + plan + "\n" + p);
                  return out;
                }));
            }
          }
          return all;
        }))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    for (String plan : plans) {
      if (plan.contains(" FAST_START")) {
        assertThat(plan).as(plan).contains("Nested Loop", "rp_links_project_created_id_idx").doesNotContain("Sort");
      } else {
        // one pass over each table (a hash or merge join: the temporary tables' ids lie in order), then the sort
        assertThat(plan).as(plan).contains("Sort").doesNotContain("Nested Loop", "rp_links_project_created_id_idx");
      }
    }
  }

  private static Future<Void> run(SqlConnection conn, String... statements) {
    Future<Void> done = Future.succeededFuture();
    for (String sql : statements) {
      done = done.compose(v -> conn.query(sql).execute().mapEmpty());
    }
    return done;
  }

  /** The plan EXPLAIN prints for {@code sql} with {@code params} bound, one line per plan line. */
  private static Future<String> explain(SqlConnection conn, String sql, Tuple params) {
    return conn.preparedQuery(sql).execute(params).map(rows -> {
      StringBuilder plan = new StringBuilder();
      rows.forEach(r -> plan.append(r.getString(0)).append('\n'));
      return plan.toString();
    });
  }

  /** Verifies that reading past the last batch, or after closing, fails instead of answering empty batches. */
  @Test
  void readingPastTheEndOrAfterCloseFails() {
    LinkQuery.Sql sql = new LinkQuery.Sql("SELECT 1", Tuple.tuple());
    assertThatThrownBy(() -> pool.withTransaction(conn -> DeclaredCursor.declare(conn, sql, 10)
        .compose(cursor -> cursor.read().compose(first -> {
          assertThat(first.last()).isTrue();
          return cursor.read();
        })))
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
      .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("the cursor has no more rows");
    assertThatThrownBy(() -> pool.withTransaction(conn -> DeclaredCursor.declare(conn, sql, 10)
        .compose(cursor -> cursor.close().compose(v -> cursor.read())))
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
      .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("the cursor is closed");
  }
}
