package io.linkexport.db;

import io.linkexport.AppConfig;
import io.linkexport.support.TestApp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the export may drive a Vert.x pg cursor (5.0.7). Asking for the next batch inside the callback of the previous
 * one, before handling its rows, delivers rows out of order and short: a 100,000-row bench export held 98,000 rows
 * with two pairs of batches swapped, and this reader with a prefetch (next read issued before the loop over the
 * rows) was out of order or short in 5 of 5 runs at 50 rows per batch and 3 of 5 at 500. So a reader of this cursor
 * handles every row of a batch before it asks for the next, and this test holds that pattern to every row once, in
 * order, on a worker context like the export's. (The export itself now reads a cursor declared in SQL, whose
 * read-ahead is separate statements answered in order: {@code io.linkexport.export.DeclaredCursorIT}. This test stays
 * as the record of why the protocol-level cursor must not be read ahead.)
 */
class CursorReadOrderIT {

  private static final int ROWS = 40_000;
  private static final int BATCH = 50;

  /** Reads the whole cursor the export's way: every row of a batch handled, then the next read. */
  static final class Reader extends VerticleBase {
    final AppConfig config;
    final List<Long> seen = new ArrayList<>();
    final Promise<Void> done = Promise.promise();
    Pool pool;

    Reader(AppConfig config) {
      this.config = config;
    }

    @Override
    public Future<?> start() {
      pool = Db.pool(vertx, config, 1);
      pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn.prepare(
          "SELECT g FROM generate_series(1, $1::int) g ORDER BY g")
        .compose(ps -> {
          Cursor cursor = ps.cursor(Tuple.of(ROWS));
          next(cursor);
          return done.future();
        }).eventually(tx::rollback)).eventually(conn::close)).onFailure(done::tryFail);
      return Future.succeededFuture();
    }

    void next(Cursor cursor) {
      cursor.read(BATCH).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
          return;
        }
        boolean more = cursor.hasMore();
        handle(ar.result());
        if (more) {
          next(cursor);
        } else {
          done.tryComplete();
        }
      });
    }

    void handle(RowSet<Row> rows) {
      for (Row r : rows) {
        seen.add(r.getLong(0));
      }
    }

    @Override
    public Future<?> stop() {
      return pool.close();
    }
  }

  static List<Long> read() throws Exception {
    AppConfig config = TestApp.testConfig();
    Vertx vertx = Vertx.vertx();
    try {
      Reader reader = new Reader(config);
      vertx.deployVerticle(reader, new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      reader.done.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      return reader.seen;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Verifies that a batch handled completely before the next read yields every row once, in order. */
  @Test
  void handlingEachBatchBeforeTheNextReadYieldsEveryRowInOrder() throws Exception {
    for (int run = 0; run < 5; run++) {
      List<Long> seen = read();
      assertThat(seen).hasSize(ROWS);
      for (int i = 0; i < ROWS; i++) {
        assertThat(seen.get(i)).as("row %d of run %d", i, run).isEqualTo(i + 1L);
      }
    }
  }
}
