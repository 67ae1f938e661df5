package io.linkexport.db;

import io.linkexport.bus.Failures;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Applies the numbered plain-SQL migrations listed in {@code db/migration/migrations.txt}, in order, each in its own
 * transaction, recording version and checksum in {@code schema_migrations}.
 *
 * <p>Why not Flyway: it would bring a JDBC driver and a blocking client into a reactive service for a dozen files.
 * This runner holds a session advisory lock while it works, so several nodes starting at once migrate exactly once;
 * an applied file whose text changed stops the start instead of drifting silently.
 *
 * <p>A migration never queues traffic behind it for long: once the advisory lock is held it runs with
 * {@code lock_timeout} ({@code PG_MIGRATION_LOCK_TIMEOUT_MS}). An {@code ALTER TABLE} waiting for a lock that a long
 * transaction holds would otherwise make every later query of that table wait behind it; instead it gives up, lets
 * the queued queries through, and tries again ({@link #TRIES} tries in all), then fails the start with a message.
 */
public final class Migrator {

  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  private static final long LOCK_KEY = 0x6c696e6b5f657870L; // "link_exp"

  record Migration(int version, String name, String sql, String checksum) {
  }

  /** Tries of one migration that could not get its locks in time. */
  static final int TRIES = 3;
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final Pool pool;
  private final List<Migration> all;
  private final long lockTimeoutMs;

  /** The bundled migrations, with the default lock timeout (5 s). */
  public Migrator(Pool pool) {
    this(pool, 5_000);
  }

  public Migrator(Pool pool, long lockTimeoutMs) {
    this(pool, load(), lockTimeoutMs);
  }

  Migrator(Pool pool, List<Migration> all, long lockTimeoutMs) {
    this.pool = pool;
    this.all = all;
    this.lockTimeoutMs = lockTimeoutMs;
  }

  /** Completes with the number of migrations applied now. */
  public Future<Integer> migrate() {
    return pool.getConnection().compose(conn -> conn.query("SELECT pg_advisory_lock(" + LOCK_KEY + ")").execute()
      // only now: waiting for another node's migrations must not time out
      .compose(v -> conn.query("SET lock_timeout = " + lockTimeoutMs).execute())
      .compose(v -> conn.query("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY,"
        + " name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
      .compose(v -> conn.query("SELECT version, checksum FROM schema_migrations").execute())
      .compose(rows -> {
        Map<Integer, String> applied = new HashMap<>();
        for (Row r : rows) {
          applied.put(r.getInteger(0), r.getString(1));
        }
        return applyPending(conn, all, applied);
      })
      .eventually(() -> conn.query("SELECT pg_advisory_unlock(" + LOCK_KEY + ")").execute()
        .eventually(conn::close)));
  }

  private Future<Integer> applyPending(SqlConnection conn, List<Migration> all, Map<Integer, String> applied) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (Migration m : all) {
      String known = applied.get(m.version());
      if (known != null) {
        if (!known.equals(m.checksum())) {
          return Future.failedFuture("migration V" + m.version() + " (" + m.name()
            + ") was changed after it was applied; add a new migration instead");
        }
        continue;
      }
      chain = chain.compose(n -> applyWithTries(conn, m, 1).map(v -> n + 1));
    }
    return chain;
  }

  private Future<Void> applyWithTries(SqlConnection conn, Migration m, int attempt) {
    return apply(conn, m).recover(err -> {
      if (attempt < TRIES && Failures.hasSqlState(err, LOCK_NOT_AVAILABLE)) {
        LOG.warn("migration V{} waited {} ms for a lock held by another transaction; trying again ({} of {})",
          m.version(), lockTimeoutMs, attempt + 1, TRIES);
        return applyWithTries(conn, m, attempt + 1);
      }
      return Future.failedFuture(err);
    });
  }

  private Future<Void> apply(SqlConnection conn, Migration m) {
    long started = System.nanoTime();
    return conn.begin().compose(tx -> conn.query(m.sql()).execute()
      .compose(v -> conn.preparedQuery("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)")
        .execute(Tuple.of(m.version(), m.name(), m.checksum())))
      .compose(v -> tx.commit())
      .recover(err -> tx.rollback().transform(x -> Future.<Void>failedFuture(new IllegalStateException(
        "migration V" + m.version() + " (" + m.name() + ") failed: " + err.getMessage(), err))))
      .onSuccess(v -> LOG.info("applied migration V{} {} in {} ms", m.version(), m.name(),
        (System.nanoTime() - started) / 1_000_000)));
  }

  static List<Migration> load() {
    String index = SqlStatements.resource("db/migration/migrations.txt");
    List<Migration> out = new ArrayList<>();
    for (String line : index.split("\n")) {
      String file = line.trim();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      if (!file.matches("V\\d+__[A-Za-z0-9_]+\\.sql")) {
        throw new IllegalStateException("bad migration file name " + file);
      }
      int version = Integer.parseInt(file.substring(1, file.indexOf("__")));
      if (!out.isEmpty() && out.get(out.size() - 1).version() >= version) {
        throw new IllegalStateException("migrations out of order at " + file);
      }
      String sql = SqlStatements.resource("db/migration/" + file);
      out.add(new Migration(version, file.substring(file.indexOf("__") + 2, file.length() - 4), sql, sha256(sql)));
    }
    return out;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
