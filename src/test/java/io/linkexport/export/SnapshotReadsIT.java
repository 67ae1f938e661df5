package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkQuery;
import io.linkexport.links.SortKey;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parallel reads of one snapshot (issue 23) on a real Postgres: N readers of ranges of the export's order give exactly
 * the rows of one cursor, in the same order, for every sort and direction, with ties and nulls in the sort key and
 * batches smaller than a range; writers committing meanwhile change nothing the readers see; a reader's backend
 * killed fails the read, and closing still ends every reader.
 */
class SnapshotReadsIT {

  private static final AppConfig CONFIG = TestApp.testConfig();
  private static final String TEMPLATE = SqlStatements.get("links_export")
    .replace("/*COLUMNS*/", ColumnSet.DEFAULT.selectList() + ", l.id::text, s.last_clicked_at, s.sale_amount");
  private static final Function<Future<?>, Future<Void>> BOUNDED =
    f -> f.timeout(10, TimeUnit.SECONDS).<Void>mapEmpty().otherwiseEmpty();
  /** A sample of every row: the cuts are exact quantiles. */
  private static final Sampling ALL = new Sampling(1.0, false);
  private static Vertx vertx;
  private static Pool snapshots;
  private static Pool readers;
  private static UUID project;
  private static long links;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    snapshots = Db.pool(vertx, CONFIG, Db.Workload.WORKER, 2);
    readers = Db.pool(vertx, CONFIG, Db.Workload.READER, 6);
    try (Fixtures db = Fixtures.of(CONFIG)) {
      project = db.project("Snapshot reads", "pro");
      String prefix = "sr-" + UUID.randomUUID().toString().substring(0, 6);
      db.bulkLinks(project, 700, prefix, 6);
      // never clicked (lastClicked null), half of them without a name: over a fifth of the rows are nulls in those
      // sorts, so cuts fall among the nulls too (a bound with a null value)
      for (int i = 0; i < 200; i++) {
        db.link(project, prefix + "-unclicked-" + i).name(i % 2 == 0 ? null : "Unclicked " + i)
          .createdAt(java.time.Instant.parse("2025-06-01T00:00:00Z").plusSeconds(i % 4 * 60L)).insert();
      }
      // ties in every sort key: one creation instant and one name for 60 links (clicks, installs, sale amounts and
      // the nulls of lastClicked and name tie already: at most 6 clicks a link, 200 links without any)
      db.exec("UPDATE links SET created_at = timestamptz '2025-02-01', name = 'Same name' WHERE id IN"
        + " (SELECT id FROM links WHERE project_id = ? ORDER BY slug LIMIT 60)", project);
      db.exec("UPDATE link_stats SET sale_amount = 500 WHERE link_id IN"
        + " (SELECT id FROM links WHERE project_id = ? ORDER BY slug DESC LIMIT 90)", project);
      links = db.count("SELECT count(*) FROM links WHERE project_id = ?", project);
      assertThat(db.count("SELECT count(*) FROM link_stats WHERE project_id = ? AND last_clicked_at IS NULL", project))
        .as("links never clicked").isPositive();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    readers.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    snapshots.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static LinkQuery query(String sort, boolean ascending) {
    return LinkQuery.of(project, LinkFilter.fromJson(new JsonObject().put("showArchived", true).put("sortBy", sort)
      .put("sortOrder", ascending ? "asc" : "desc")));
  }

  /** Every row of the export of {@code query} through {@code n} readers (1: one cursor), and how many there were. */
  private record Read(List<String> rows, int readers) {
  }

  private static Future<Read> read(SqlConnection conn, LinkQuery query, int n, int fetchSize,
                                   Sampling sampling) {
    SnapshotReads reads = new SnapshotReads(conn, fetchSize, BOUNDED, Long.MAX_VALUE);
    Future<Integer> opened = n == 1 ? reads.serial(query.renderOrdered(TEMPLATE)).map(v -> 1)
      : reads.parallel(query, TEMPLATE, sampling, n, readers, ReadPlan.TOTAL);
    return opened.compose(k -> drain(reads, new ArrayList<>()).map(rows -> new Read(rows, k)))
      .eventually(reads::close);
  }

  private static Future<List<String>> drain(SnapshotReads reads, List<String> into) {
    return reads.read().compose(batch -> {
      for (Row r : batch.rows()) {
        into.add(r.toJson().encode());
      }
      return batch.last() ? Future.succeededFuture(into) : drain(reads, into);
    });
  }

  private static Read inSnapshot(LinkQuery query, int n, int fetchSize) throws Exception {
    return inSnapshot(query, n, fetchSize, ALL);
  }

  private static Read inSnapshot(LinkQuery query, int n, int fetchSize, Sampling sampling)
    throws Exception {
    return snapshots.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute().compose(v -> read(conn, query, n, fetchSize, sampling)))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /**
   * Verifies for every sort, both directions and 1, 2, 3, 4 and 7 readers that the parallel read is the serial read,
   * row for row (every column) and in order, with batches of 13 rows (ranges end inside batches).
   */
  @Test
  void everySortAndDirectionReadsInParallelExactlyWhatOneCursorReads() throws Exception {
    for (SortKey sort : SortKey.values()) {
      for (boolean ascending : new boolean[] {true, false}) {
        LinkQuery query = query(sort.param(), ascending);
        Read serial = inSnapshot(query, 1, 13);
        assertThat(serial.rows()).as("%s %s", sort, ascending).hasSize((int) links).doesNotHaveDuplicates();
        for (int n : new int[] {2, 3, 4, 7}) {
          Read parallel = inSnapshot(query, n, 13);
          assertThat(parallel.readers()).as("readers of %s %s", sort, ascending).isEqualTo(n);
          assertThat(parallel.rows()).as("%d readers, %s %s", n, sort.param(), ascending ? "asc" : "desc")
            .containsExactlyElementsOf(serial.rows());
        }
      }
    }
  }

  /** Verifies that an export with no rows, or fewer rows than readers, reads them all through fewer readers. */
  @Test
  void fewerRowsThanReadersStillReadEveryRow() throws Exception {
    LinkQuery none = LinkQuery.of(project, LinkFilter.fromJson(new JsonObject().put("search", "no-such-link-at-all")));
    Read empty = inSnapshot(none, 4, 13);
    assertThat(empty.rows()).isEmpty();
    assertThat(empty.readers()).isEqualTo(1);
    LinkQuery two = LinkQuery.of(project, LinkFilter.fromJson(new JsonObject().put("showArchived", true)
      .put("search", "Same name").put("sortBy", "name")));
    Read serial = inSnapshot(two, 1, 5);
    Read parallel = inSnapshot(two, 7, 5);
    assertThat(parallel.rows()).hasSize(60).containsExactlyElementsOf(serial.rows());
    assertThat(parallel.readers()).isEqualTo(7);
  }

  /**
   * Verifies that cuts from partial samples, of 5% of the links table's pages (clustered: the test database's other
   * projects fill most pages, so often no row of this project is sampled, or a few of one page) and of 5% of the
   * export's rows (random), still give exactly the serial read, whatever the ranges' sizes.
   */
  @Test
  void cutsFromAnySampleGiveTheSameRows() throws Exception {
    for (String sort : new String[] {"lastClicked", "name", "clicks"}) {
      LinkQuery query = query(sort, true);
      Read serial = inSnapshot(query, 1, 29);
      for (int run = 0; run < 5; run++) {
        for (boolean blocks : new boolean[] {true, false}) {
          Read parallel = inSnapshot(query, 4, 29, new Sampling(0.05, blocks));
          assertThat(parallel.readers()).isBetween(1, 4);
          assertThat(parallel.rows()).as("%s, sampled by %s", sort, blocks ? "blocks" : "rows")
            .containsExactlyElementsOf(serial.rows());
        }
      }
    }
  }

  /**
   * Verifies that every reader reads the snapshot's rows while writers update sort keys, insert and delete links and
   * clicks of the project, committed after the snapshot was taken and before and while the readers read.
   */
  @Test
  void writersCommittingDuringTheReadChangeNothingTheReadersSee() throws Exception {
    LinkQuery query = query("clicks", false);
    try (Fixtures db = Fixtures.of(CONFIG)) {
      Read[] got = new Read[2];
      snapshots.withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
          .execute()
          .compose(v -> drainPlain(conn, query)) // the snapshot is taken here
          .compose(expected -> {
            got[0] = new Read(expected, 1);
            return vertx.executeBlocking(() -> {
              write(db, 1);
              return null;
            });
          })
          .compose(v -> {
            SnapshotReads reads = new SnapshotReads(conn, 11, BOUNDED, Long.MAX_VALUE);
            return reads.parallel(query, TEMPLATE, ALL, 4, readers, ReadPlan.TOTAL)
              .compose(k -> vertx.executeBlocking(() -> {
                write(db, 2);
                return k;
              }))
              .compose(k -> drain(reads, new ArrayList<>()).map(rows -> got[1] = new Read(rows, k)))
              .eventually(reads::close);
          }))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(got[1].readers()).isEqualTo(4);
      assertThat(got[1].rows()).hasSize((int) links).containsExactlyElementsOf(got[0].rows());
      assertThat(db.count("SELECT count(*) FROM links WHERE project_id = ?", project)).isNotEqualTo(links);
    } finally {
      try (Fixtures db = Fixtures.of(CONFIG)) {
        db.exec("DELETE FROM links WHERE project_id = ? AND slug LIKE 'sr-writer-%'", project);
      }
    }
  }

  /** The export's statement read in one go, without a cursor (the expected rows of the snapshot). */
  private static Future<List<String>> drainPlain(SqlConnection conn, LinkQuery query) {
    LinkQuery.Sql sql = query.renderOrdered(TEMPLATE);
    return conn.preparedQuery(sql.text()).execute(sql.params()).map(rows -> {
      List<String> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.toJson().encode()));
      return out;
    });
  }

  /**
   * Changes the project's sort keys and rows (committed): clicks added to some links and deleted from others, new
   * links, links archived and renamed, and in the second round a link of the first deleted.
   */
  private static void write(Fixtures db, int round) {
    db.exec("INSERT INTO link_clicks (link_id, clicked_at) SELECT l.id, now() FROM links l, generate_series(1, 50)"
      + " WHERE l.id IN (SELECT id FROM links WHERE project_id = ? ORDER BY slug LIMIT 30)", project);
    db.exec("DELETE FROM link_clicks WHERE link_id IN (SELECT id FROM links WHERE project_id = ? ORDER BY slug DESC"
      + " OFFSET 100 LIMIT 20)", project);
    if (round == 2) {
      db.exec("DELETE FROM links WHERE project_id = ? AND slug = 'sr-writer-1-0'", project);
    }
    for (int i = 0; i < 5; i++) {
      db.link(project, "sr-writer-" + round + "-" + i).insert();
    }
    db.exec("UPDATE links SET archived = NOT archived, name = 'Renamed ' || name WHERE id IN"
      + " (SELECT id FROM links WHERE project_id = ? ORDER BY slug DESC LIMIT 7)", project);
  }

  /**
   * Verifies that a reader whose backend is killed fails the read (the attempt is then retried as a whole), and that
   * closing ends every reader: none of their backends is left.
   */
  @Test
  void aReaderKilledFailsTheReadAndClosingEndsEveryReader() throws Exception {
    LinkQuery query = query("createdAt", true);
    try (Fixtures db = Fixtures.of(CONFIG)) {
      Future<Void> done = snapshots.withTransaction(conn -> conn.query(
          "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
        .compose(v -> conn.query("SELECT pg_backend_pid()").execute())
        .compose(pid -> {
          int own = pid.iterator().next().getInteger(0);
          SnapshotReads reads = new SnapshotReads(conn, 17, BOUNDED, Long.MAX_VALUE);
          return reads.parallel(query, TEMPLATE, ALL, 3, readers, ReadPlan.TOTAL)
            .compose(k -> reads.read()) // range 0's first batch; the others have primed theirs
            .compose(first -> vertx.executeBlocking(() -> {
              // the other ranges' readers, each holding its first row in its transaction once its FETCH is answered
              String waiting = " FROM pg_stat_activity WHERE datname = current_database() AND pid <> " + own
                + " AND application_name = 'link-export-reader' AND state = 'idle in transaction'"
                + " AND query LIKE 'FETCH FORWARD 1 FROM link_export_rows%'";
              io.linkexport.support.Await.until("both readers to hold their first row", java.time.Duration.ofSeconds(20),
                () -> db.count("SELECT count(*)" + waiting) == 2);
              assertThat(db.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid)" + waiting + ") t"))
                .isEqualTo(2L);
              return null;
            }))
            .compose(v -> drain(reads, new ArrayList<>()))
            .<Void>mapEmpty()
            .eventually(reads::close);
        }));
      // the read fails at once, on the reader's closed connection (not at its turn: range 0 has more batches)
      assertThatThrownBy(() -> done.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS))
        .satisfies(e -> assertThat(String.valueOf(e.getCause())).contains("a reader of the snapshot lost its connection"));
      assertThat(db.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND application_name = 'link-export-reader' AND state <> 'idle'")).as("readers left in a transaction")
        .isZero();
    }
  }

  /**
   * Verifies that readers waiting for their turn outlive their connections' idle-in-transaction limit when kept alive
   * (every heartbeat calls {@link SnapshotReads#keepAlive}), and that without it the limit ends them and the read
   * fails: readers whose limit is 2 s (EXPORT_STALL_SECONDS 1) wait 4 s while the first range is read slowly.
   */
  @Test
  void waitingReadersAreKeptAliveBeyondTheirIdleLimit() throws Exception {
    AppConfig shortIdle = AppConfig.from(CONFIG.json().copy().put(AppConfig.EXPORT_STALL_SECONDS, 1));
    Pool impatient = Db.pool(vertx, shortIdle, Db.Workload.READER, 3);
    try {
      LinkQuery query = query("createdAt", false);
      Read serial = inSnapshot(query, 1, 5);
      for (boolean keepAlive : new boolean[] {true, false}) {
        Future<List<String>> read = snapshots.withTransaction(conn -> conn.query(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
          .compose(v -> {
            SnapshotReads reads = new SnapshotReads(conn, 5, BOUNDED, TimeUnit.MILLISECONDS.toNanos(300));
            List<String> rows = new ArrayList<>();
            return reads.parallel(query, TEMPLATE, ALL, 3, impatient, ReadPlan.TOTAL)
              .compose(k -> slowly(reads, rows, 40, keepAlive)) // 196 rows of range 0's ~310, 100 ms apart
              .compose(v2 -> drain(reads, rows))
              .eventually(reads::close);
          }));
        if (keepAlive) {
          assertThat(read.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS))
            .containsExactlyElementsOf(serial.rows());
        } else {
          assertThatThrownBy(() -> read.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS))
            .as("readers left idle past their limit").isInstanceOf(java.util.concurrent.ExecutionException.class);
        }
      }
    } finally {
      impatient.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Reads {@code batches} batches 100 ms apart (a heartbeat's keep-alive beside each when {@code keepAlive}). */
  private static Future<Void> slowly(SnapshotReads reads, List<String> into, int batches, boolean keepAlive) {
    if (batches == 0) {
      return Future.succeededFuture();
    }
    return reads.read().compose(batch -> {
      batch.rows().forEach(r -> into.add(r.toJson().encode()));
      assertThat(batch.last()).as("range 0 is longer than the slow read").isFalse();
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(100, t -> {
        if (keepAlive) {
          reads.keepAlive();
        }
        later.complete();
      });
      return later.future().compose(v -> slowly(reads, into, batches - 1, keepAlive));
    });
  }

  /**
   * Verifies that when one reader fails to open (its statement is wrong), the attempt fails and closing leaves
   * nothing on the pooled connections of the readers that did open: no transaction, no prepared FETCH.
   */
  @Test
  void aReaderThatFailsToOpenLeavesNothingOnThePooledConnections() throws Exception {
    Pool two = Db.pool(vertx, CONFIG, Db.Workload.READER, 2);
    try {
      LinkQuery query = query("createdAt", true);
      List<LinkQuery.Sql> ranges = List.of(query.renderOrdered(TEMPLATE), query.renderOrdered(TEMPLATE),
        new LinkQuery.Sql("SELECT no_such_column FROM links", io.vertx.sqlclient.Tuple.tuple()));
      Future<Integer> opened = snapshots.withTransaction(conn -> conn.query(
          "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
        .compose(v -> {
          SnapshotReads reads = new SnapshotReads(conn, 13, BOUNDED, Long.MAX_VALUE);
          return reads.parallel(ranges, two, ReadPlan.TOTAL).eventually(reads::close);
        }));
      assertThatThrownBy(() -> opened.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS))
        .hasMessageContaining("no_such_column");
      // both connections of the pool at once: the one that opened its reader and the one that failed
      List<String> left = two.getConnection().compose(a -> two.getConnection().compose(b -> Future.all(
            leftOn(a), leftOn(b)).map(all -> List.of(all.<String>resultAt(0), all.<String>resultAt(1)))
          .eventually(b::close))
        .eventually(a::close))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(left).containsOnly("idle 0");
    } finally {
      two.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** "idle" and the prepared FETCH statements left on a connection, or its transaction state. */
  private static Future<String> leftOn(SqlConnection c) {
    return c.query("SELECT (CASE WHEN now() = statement_timestamp() THEN 'idle' ELSE 'in a transaction' END)"
      + " || ' ' || (SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'FETCH%')").execute()
      .map(rows -> rows.iterator().next().getString(0));
  }
}
