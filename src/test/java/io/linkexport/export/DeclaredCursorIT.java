package io.linkexport.export;

import io.linkexport.db.Db;
import io.linkexport.links.LinkQuery;
import io.linkexport.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The export's SQL-declared cursor on a real Postgres: every row once and in order, whatever the batch boundaries. */
class DeclaredCursorIT {

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pool = Db.pool(vertx, TestApp.testConfig(), 1);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Reads the whole cursor the export's way, in one transaction, and returns the rows and the number of reads. */
  private static List<Long> readAll(int rows, int fetchSize, int[] reads) throws Exception {
    LinkQuery.Sql sql = new LinkQuery.Sql("SELECT g FROM generate_series(1, $1::int) g ORDER BY g", Tuple.of(rows));
    List<Long> seen = new ArrayList<>();
    return pool.withTransaction(conn -> DeclaredCursor.declare(conn, sql, fetchSize)
        .compose(cursor -> drain(cursor, seen, reads).compose(v -> cursor.close())))
      .map(v -> seen)
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Future<Void> drain(DeclaredCursor cursor, List<Long> seen, int[] reads) {
    return cursor.read().compose(batch -> {
      reads[0]++;
      for (Row r : batch) {
        seen.add(r.getLong(0));
      }
      return cursor.hasMore() ? drain(cursor, seen, reads) : Future.succeededFuture();
    });
  }

  /** Verifies every row once and in order for results shorter than, equal to and a multiple of a batch, and empty. */
  @Test
  void readsEveryRowOnceInOrderAcrossBatchBoundaries() throws Exception {
    int[][] cases = {{0, 50, 1}, {1, 50, 1}, {49, 50, 1}, {50, 50, 2}, {51, 50, 2}, {40_000, 5000, 9}, {40_001, 5000, 9}};
    for (int[] c : cases) {
      int[] reads = {0};
      List<Long> seen = readAll(c[0], c[1], reads);
      assertThat(seen).as("%d rows in batches of %d", c[0], c[1]).hasSize(c[0]);
      for (int i = 0; i < c[0]; i++) {
        assertThat(seen.get(i)).as("row %d of %d", i, c[0]).isEqualTo(i + 1L);
      }
      assertThat(reads[0]).as("reads for %d rows in batches of %d", c[0], c[1]).isEqualTo(c[2]);
    }
  }

  /**
   * Verifies that Postgres plans the declared cursor for a fast start. The export's choice in miniature: ten projects'
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
        .compose(v -> explain(conn, "EXPLAIN " + query))
        .compose(whole -> explain(conn, "EXPLAIN DECLARE c NO SCROLL CURSOR FOR " + query)
          .map(fast -> List.of(whole, fast))))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(plans.get(0)).as("the whole-result plan").contains("Sort");
    assertThat(plans.get(1)).as("the declared cursor's plan").contains("Nested Loop", "using fs_stats_project_clicks_link_id_idx")
      .doesNotContain("Sort");
  }

  private static Future<Void> run(SqlConnection conn, String... statements) {
    Future<Void> done = Future.succeededFuture();
    for (String sql : statements) {
      done = done.compose(v -> conn.query(sql).execute().mapEmpty());
    }
    return done;
  }

  private static Future<String> explain(SqlConnection conn, String sql) {
    return conn.query(sql).execute().map(rows -> {
      StringBuilder plan = new StringBuilder();
      rows.forEach(r -> plan.append(r.getString(0)).append('\n'));
      return plan.toString();
    });
  }

  /** Verifies that reading past the last batch fails instead of answering an empty batch forever. */
  @Test
  void readingPastTheEndFails() {
    LinkQuery.Sql sql = new LinkQuery.Sql("SELECT 1", Tuple.tuple());
    assertThatThrownBy(() -> pool.withTransaction(conn -> DeclaredCursor.declare(conn, sql, 10)
        .compose(cursor -> cursor.read().compose(first -> cursor.read())))
      .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
      .hasRootCauseInstanceOf(IllegalStateException.class);
  }
}
