package io.linkexport.export;

import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkQuery;
import io.linkexport.links.SortRange;
import io.vertx.core.Future;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The export's rows from its snapshot, as one stream of batches in the export's order: one declared cursor on the
 * snapshot's connection, or N cursors over consecutive ranges of the order, each on its own connection in the same
 * snapshot (issue 23, parallel snapshot reads).
 *
 * <p>The parallel way: the snapshot's transaction exports its snapshot ({@code pg_export_snapshot()}); each other
 * reader opens a REPEATABLE READ, READ ONLY transaction that imports it ({@code SET TRANSACTION SNAPSHOT}), so every
 * reader sees exactly the rows the count saw. An unsplit export's order is cut at evenly spaced rows of a sample
 * ({@code sql/export_range_sample.sql}, {@link Sampling}); reader i reads the rows after cut i-1 up to cut i
 * ({@link SortRange}: exact for ties and nulls, whatever the cuts). A split export's ranges are groups of its files
 * ({@link ReadRanges}). Every reader fetches its first row at once, so Postgres runs their scans,
 * joins and sorts side by side, on as many cores (a plan for the total time sorts before its first row: readers run
 * only with that plan, {@link ReadPlan#readers}); the export then reads range 0 to its end, then range 1, and so on.
 * The rows reach the encoder in the file's order, so the file, its parts, its gzip stream and its SHA-256 are made
 * exactly as from one cursor (byte for byte the same file), and no part is ever under S3's 5 MiB minimum in the
 * middle of the object. Memory: the reader being read holds two batches (the one read and the one read ahead), the
 * others one row each.
 * A reader waits for its turn idle in its transaction, kept from the pool's
 * {@code idle_in_transaction_session_timeout} by {@link #keepAlive}, which a frozen node no longer sends.
 *
 * <p>Any reader's failure fails the next read, which fails the attempt (it is retried from scratch); closing rolls
 * back and closes every reader, after cancelling what a reader still runs.
 */
final class SnapshotReads {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotReads.class);
  /** Rows of the sample the cuts are chosen from: enough for ranges within a few percent of equal. */
  static final int SAMPLE_ROWS = 2_000;
  /** What {@code pg_export_snapshot()} answers: hex and dashes (it is written into a statement, never a parameter). */
  private static final Pattern SNAPSHOT_ID = Pattern.compile("[0-9A-Fa-f-]{1,64}");

  /**
   * The reader of one range, as far as it got: its connection (the snapshot's own for range 0, else one of the
   * reader pool), its transaction (null for the snapshot's: the attempt ends that one) and its cursor, which close()
   * ends even when another reader failed to open.
   */
  private static final class Reader {
    final boolean own;
    volatile SqlConnection conn;
    volatile Transaction tx;
    volatile DeclaredCursor cursor;

    Reader(boolean own) {
      this.own = own;
    }
  }

  private final SqlConnection snapshot;
  private final int fetchSize;
  private final Function<Future<?>, Future<Void>> bounded;
  /** In the order of their ranges, from the start of their opening. */
  private final List<Reader> readers = new CopyOnWriteArrayList<>();
  private final long keepAliveNanos;
  private int current;
  private volatile Throwable failure;
  /** The readers being opened, which {@link #close} waits for; a connection got after the close closes itself. */
  private volatile Future<?> opening = Future.succeededFuture();
  private volatile boolean closing;
  private Future<Void> closed;
  private long keptAlive = System.nanoTime();

  /**
   * {@code bounded} ends a closing call within the attempt's close timeout, whatever it does; a waiting reader is
   * kept from its idle limit by a statement every {@code keepAliveNanos} ({@link #keepAlive}).
   */
  SnapshotReads(SqlConnection snapshot, int fetchSize, Function<Future<?>, Future<Void>> bounded,
                long keepAliveNanos) {
    this.snapshot = snapshot;
    this.fetchSize = fetchSize;
    this.bounded = bounded;
    this.keepAliveNanos = keepAliveNanos;
  }

  /** Reads {@code sql} through one cursor on the snapshot's connection. */
  Future<Void> serial(LinkQuery.Sql sql) {
    return declareOwn(sql).mapEmpty();
  }

  /**
   * Reads the export ({@code template}, {@code links_export.sql} with its columns) in up to {@code parallelism}
   * ranges, the first on the snapshot's connection, the others on connections of {@code pool}, each planned like the
   * snapshot's ({@code read}). Fewer ranges when the sample has fewer rows (one: the serial read).
   */
  Future<Integer> parallel(LinkQuery query, String template, Sampling sampling, int parallelism, Pool pool,
                           ReadPlan plan) {
    LinkQuery.Sql sample = query.renderSample(SqlStatements.get("export_range_sample"), sampling.share(),
      sampling.blocks());
    Future<Integer> opened = snapshot.preparedQuery(sample.text()).execute(sample.params()).compose(rows -> {
      List<SortRange.Bound> cuts = Sampling.cuts(rows, parallelism);
      if (cuts.isEmpty()) {
        return serial(query.renderOrdered(template)).map(v -> 1);
      }
      List<LinkQuery.Sql> ranges = new ArrayList<>();
      for (int i = 0; i <= cuts.size(); i++) {
        ranges.add(query.renderRange(template, i == 0 ? null : cuts.get(i - 1), i < cuts.size() ? cuts.get(i) : null));
      }
      return openRanges(ranges, pool, plan);
    });
    opening = opened;
    return opened;
  }

  /**
   * Reads a split export in {@code ranges}, statements of consecutive groups of its files, in the files' order
   * ({@link ReadRanges}), the first on the snapshot's connection.
   */
  Future<Integer> parallel(List<LinkQuery.Sql> ranges, Pool pool, ReadPlan plan) {
    Future<Integer> opened = ranges.size() == 1 ? serial(ranges.get(0)).map(v -> 1) : openRanges(ranges, pool, plan);
    opening = opened;
    return opened;
  }

  /** The readers of {@code ranges}: the first on the snapshot's connection, each other one importing its snapshot. */
  private Future<Integer> openRanges(List<LinkQuery.Sql> ranges, Pool pool, ReadPlan plan) {
    return snapshot.query("SELECT pg_export_snapshot()").execute().compose(id -> {
      String snapshotId = id.iterator().next().getString(0);
      if (!SNAPSHOT_ID.matcher(snapshotId).matches()) {
        return Future.failedFuture(new IllegalStateException("unexpected snapshot id " + snapshotId));
      }
      List<Future<Reader>> opened = new ArrayList<>();
      opened.add(declareOwn(ranges.get(0)));
      for (LinkQuery.Sql range : ranges.subList(1, ranges.size())) {
        Reader slot = new Reader(false);
        readers.add(slot);
        opened.add(open(slot, pool, snapshotId, plan, range));
      }
      return Future.join(opened).compose(x -> {
        if (closing) {
          return Future.failedFuture(new IllegalStateException("the export's reads were closed while opening"));
        }
        readers.forEach(r -> r.cursor.prime().onFailure(this::failed));
        return Future.succeededFuture(readers.size());
      }).recover(err -> Future.failedFuture(opened.stream().filter(Future::failed).findFirst()
        .map(Future::cause).orElse(err)));
    });
  }

  /** The reader of range 0 (or of the serial read): a cursor on the snapshot's own connection, first in order. */
  private Future<Reader> declareOwn(LinkQuery.Sql sql) {
    Reader own = new Reader(true);
    own.conn = snapshot;
    readers.add(own);
    return DeclaredCursor.declare(snapshot, sql, fetchSize).map(c -> {
      own.cursor = c;
      return own;
    });
  }

  /** {@code slot}, the reader of one range: a connection of {@code pool} importing the snapshot, its cursor. */
  private Future<Reader> open(Reader slot, Pool pool, String snapshotId, ReadPlan plan, LinkQuery.Sql sql) {
    return pool.getConnection().compose(conn -> {
      if (closing) { // the attempt ended while this connection was on its way: nothing closes it but this
        return conn.close().transform(v -> Future.failedFuture(new IllegalStateException("closed while opening")));
      }
      slot.conn = conn;
      // a reader's backend that ends while the reader waits for its turn fails the attempt now, not at its turn
      conn.closeHandler(v -> failed(new IllegalStateException("a reader of the snapshot lost its connection")));
      // every step checks the close: once close() returned the connection to the pool, nothing may use it
      return conn.begin()
        .compose(tx -> {
          slot.tx = tx; // rolled back by close(), whatever happens next
          return open(() -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute());
        })
        .compose(v -> open(() -> conn.query("SET TRANSACTION SNAPSHOT '" + snapshotId + "'").execute()))
        .compose(v -> open(() -> conn.query(SqlStatements.get("export_snapshot_limits")).execute()))
        .compose(v -> open(() -> conn.preparedQuery(SqlStatements.get("export_read_plan"))
          .execute(Tuple.of(plan.tupleFraction()))))
        .compose(v -> open(() -> DeclaredCursor.declare(conn, sql, fetchSize)))
        .map(c -> {
          slot.cursor = c;
          return slot;
        });
    });
  }

  /** The next step of opening a reader, unless the reads were closed meanwhile. */
  private <T> Future<T> open(java.util.function.Supplier<Future<T>> step) {
    return closing ? Future.failedFuture(new IllegalStateException("closed while opening")) : step.get();
  }

  private void failed(Throwable err) {
    if (failure == null) {
      failure = err;
    }
  }

  /** The next batch in the export's order; the last batch of the last range is the last. */
  Future<RowSlices.Batch<Row>> read() {
    Throwable err = failure;
    if (err != null) {
      return Future.failedFuture(err);
    }
    return readers.get(current).cursor.read().map(b -> {
      List<Row> rows = new ArrayList<>(b.rows().size());
      b.rows().forEach(rows::add);
      boolean last = b.last() && current == readers.size() - 1;
      if (b.last() && !last) {
        current++;
      }
      return new RowSlices.Batch<>(rows, last);
    });
  }

  /** Cancels what every reader's backend runs (a stalled attempt); the snapshot's own is the caller's. */
  void cancel() {
    readers.forEach(r -> cancel(r, "cancelling a reader"));
  }

  private static void cancel(Reader r, String what) {
    SqlConnection c = r.conn;
    if (!r.own && c != null) {
      PgConnection.cast(c).cancelRequest().onFailure(e -> LOG.debug("{}: {}", what, e.getMessage()));
    }
  }

  /**
   * Called with every heartbeat: every so often, a statement on each connection that waits idle in its transaction
   * (the readers before and after the one being read, and the snapshot's own once its range is read), which would
   * otherwise reach the pool's idle_in_transaction_session_timeout (twice EXPORT_STALL_SECONDS) on a long export.
   */
  void keepAlive() {
    long now = System.nanoTime();
    if (readers.size() < 2 || closing || now - keptAlive < keepAliveNanos) {
      return;
    }
    keptAlive = now;
    for (int i = 0; i < readers.size(); i++) {
      Reader r = readers.get(i);
      if (i != current && !r.cursor.busy()) {
        r.conn.query("SELECT 1").execute().onFailure(e -> LOG.debug("keeping a reader alive: {}", e.getMessage()));
      }
    }
  }

  /**
   * Closes every cursor, rolls back and closes the other readers' connections; a reader still running a statement
   * (the attempt failed before its turn) is cancelled first. Never fails, bounded.
   */
  Future<Void> close() {
    if (closed == null) { // once: a second close must not reach connections already back in the pool
      closing = true;
      closed = bounded.apply(opening).compose(v -> closeAll());
    }
    return closed;
  }

  /**
   * Each reader's cursor first: closing it closes its prepared FETCH, which would outlive the transaction on a pooled
   * connection; then a pool reader's transaction, then its connection back to the pool. A reader still waiting for
   * its connection closes that itself ({@link #open}).
   */
  private Future<Void> closeAll() {
    List<Future<Void>> all = new ArrayList<>();
    for (Reader r : readers) {
      DeclaredCursor c = r.cursor;
      if (c != null && c.busy()) { // the attempt failed while this reader fetched
        cancel(r, "cancelling");
      }
      Future<Void> ended = c == null ? Future.succeededFuture() : bounded.apply(c.close());
      SqlConnection conn = r.conn;
      if (!r.own && conn != null) {
        Transaction tx = r.tx;
        ended = ended.compose(v -> tx == null ? Future.succeededFuture() : bounded.apply(tx.rollback()))
          .compose(v -> bounded.apply(conn.close()));
      }
      all.add(ended);
    }
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }
}
