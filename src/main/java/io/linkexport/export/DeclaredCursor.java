package io.linkexport.export;

import io.linkexport.links.LinkQuery;
import io.vertx.core.Future;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;

/**
 * The export's rows through a cursor declared in SQL ({@code DECLARE ... CURSOR}, then {@code FETCH FORWARD n}) inside
 * the export's transaction, instead of a protocol-level portal ({@code PreparedStatement.cursor}).
 *
 * <p>Why: Postgres plans a {@code DECLARE}d cursor for a fast start ({@code cursor_tuple_fraction}, 0.1 by default),
 * and a portal of the extended protocol for the whole result, and only the first finds the export's best plan:
 * sorted by clicks, the whole-result plan scans every project's rollups, hashes and sorts before the first row; the
 * fast-start plan walks the project's slice of the clicks index (figures: docs/benchmarks.md, "Why the code is as
 * it is"). A selective filter still gets a sort of its few rows: only the weighting of the first rows changes. For an
 * export that is most of the tables, or sorted by a column of the links, the whole-result plan wins, and the attempt
 * sets {@code cursor_tuple_fraction}
 * before it declares the cursor ({@link ReadPlan}): a declared cursor can be planned either way, a portal cannot.
 *
 * <p>One batch is read ahead: when a full batch arrives, the next {@code FETCH} is sent at once, so Postgres produces
 * batch n+1 while the export encodes batch n (statements on one connection are answered in order; a {@code FETCH} is
 * answered in full, Postgres collects its rows before sending them). That bounds memory at two batches and keeps the
 * export's rule that every row of a batch reaches the sink before the next batch is handed out. Closed by
 * {@link #close} or by the end of the transaction, whichever comes first.
 */
final class DeclaredCursor {

  static final String NAME = "link_export_rows";

  /** One batch of rows; {@code last} when it came back shorter than the fetch size. */
  record Batch(RowSet<Row> rows, boolean last) {
  }

  private final SqlConnection conn;
  private final PreparedStatement fetch;
  private final int fetchSize;
  private boolean more = true;
  private boolean closed;
  /** The batch read ahead, or null before the first read and after the last batch. */
  private Future<RowSet<Row>> ahead;
  /** The first row fetched by {@link #prime}, until the first read answers it. */
  private Future<RowSet<Row>> head;
  /** The last FETCH sent (answered or not): {@link #busy}. */
  private volatile Future<RowSet<Row>> inFlight;

  private DeclaredCursor(SqlConnection conn, PreparedStatement fetch, int fetchSize) {
    this.conn = conn;
    this.fetch = fetch;
    this.fetchSize = fetchSize;
  }

  /**
   * Declares the cursor for {@code sql} on {@code conn}, which must be in a transaction, and prepares its
   * {@code FETCH} for this cursor only: an explicitly prepared statement bypasses the pool's statement cache, so its
   * row description is this cursor's (a cached {@code FETCH} would keep the types described for the first cursor of
   * the connection, and Postgres never invalidates a utility statement).
   */
  static Future<DeclaredCursor> declare(SqlConnection conn, LinkQuery.Sql sql, int fetchSize) {
    if (fetchSize < 1) {
      throw new IllegalArgumentException("fetch size must be positive: " + fetchSize);
    }
    return conn.preparedQuery("DECLARE " + NAME + " NO SCROLL CURSOR FOR " + sql.text())
      .execute(sql.params())
      .compose(v -> conn.prepare("FETCH FORWARD " + fetchSize + " FROM " + NAME))
      .map(ps -> new DeclaredCursor(conn, ps, fetchSize));
  }

  /**
   * The next batch of at most the fetch size, in order, and whether it is the last; asks for the one after it. The
   * answer is derived from the state update (not a listener beside it), so whoever sees the batch sees the state.
   */
  Future<Batch> read() {
    if (closed || !more) {
      String why = closed ? "the cursor is closed" : "the cursor has no more rows";
      return Future.failedFuture(new IllegalStateException(why));
    }
    if (head != null) {
      Future<RowSet<Row>> first = head;
      head = null;
      return first.map(rows -> {
        more = rows.size() == 1;
        if (more && !closed) {
          ahead = fetch();
        }
        return new Batch(rows, !more);
      });
    }
    Future<RowSet<Row>> next = ahead != null ? ahead : fetch();
    ahead = null;
    return next.map(rows -> {
      more = rows.size() == fetchSize;
      if (more && !closed) {
        ahead = fetch();
      }
      return new Batch(rows, !more);
    });
  }

  /**
   * Fetches the first row now, before the first {@link #read}: a parallel export's readers run their ranges' scans,
   * joins and sorts at once (a sort is done before its first row), and hold one row each until their turn
   * ({@link SnapshotReads}), so memory stays two batches, whatever the readers. Its own prepared statement, for the
   * reason {@link #declare} gives. {@link #read} answers that row first, as a batch of one.
   */
  Future<Void> prime() {
    if (closed || !more || head != null || ahead != null) {
      return Future.succeededFuture();
    }
    Future<RowSet<Row>> first = conn.prepare("FETCH FORWARD 1 FROM " + NAME)
      .compose(ps -> ps.query().execute().eventually(ps::close));
    head = first;
    inFlight = first;
    return first.mapEmpty();
  }

  /** True while a {@code FETCH} of this cursor is under way (sent, not answered). */
  boolean busy() {
    Future<RowSet<Row>> f = inFlight;
    return f != null && !f.isComplete();
  }

  private Future<RowSet<Row>> fetch() {
    Future<RowSet<Row>> f = fetch.query().execute();
    inFlight = f;
    return f;
  }

  /** Closes the cursor and its statement; a batch read ahead is then left unread. */
  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return conn.query("CLOSE " + NAME).execute().eventually(fetch::close).mapEmpty();
  }
}
