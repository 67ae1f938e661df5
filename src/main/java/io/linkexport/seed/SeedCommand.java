package io.linkexport.seed;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code java -jar link-export.jar seed --links N --clicks M ...}: fills a project with realistic links (with dub's
 * link fields), clicks, installs and reopens, leads and sales for demos and benchmarks (see {@link SeedOptions} for
 * the arguments; {@code sql/seed_clicks.sql} for the skew).
 *
 * <p>All rows are generated server-side ({@code INSERT ... SELECT ... FROM generate_series}), in batches so that
 * progress can be printed and each statement's transition tables stay bounded. The rollup triggers stay ON: they are
 * the product, the seeded stats are then produced exactly as production produces them, and seeding never has to
 * switch triggers off for other writers of the shared tables (100,000 links / 10,000,000 clicks take minutes; see the
 * README's "Performance").
 */
public final class SeedCommand {

  private static final Logger LOG = LoggerFactory.getLogger(SeedCommand.class);
  static final int LINK_BATCH = 20_000;
  static final int CLICK_BATCH = 1_000_000;

  private final Pool pool;
  private final SeedOptions options;
  private final UUID project;
  private final UUID user;
  private final String runToken;

  private SeedCommand(Pool pool, SeedOptions options) {
    this.pool = pool;
    this.options = options;
    this.project = options.project() != null ? options.project() : UUID.randomUUID();
    this.user = options.user() != null ? options.user() : UUID.randomUUID();
    byte[] token = new byte[4];
    ThreadLocalRandom.current().nextBytes(token);
    this.runToken = HexFormat.of().formatHex(token);
  }

  /**
   * Parses {@code args}, seeds, and completes with the last line to print, {@code project=<uuid> user=<uuid>}.
   * Fails with an {@link IllegalArgumentException} carrying the usage when the arguments are bad.
   */
  public static Future<String> run(Vertx vertx, AppConfig config, List<String> args) {
    SeedOptions options;
    try {
      options = SeedOptions.parse(args);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Pool pool = Db.pool(vertx, config, 1);
    return new SeedCommand(pool, options).seed().eventually(pool::close);
  }

  private Future<String> seed() {
    long started = System.nanoTime();
    return pool.preparedQuery(SqlStatements.get("seed_project"))
      .execute(Tuple.of(project, options.name() != null ? options.name() : "Seeded project " + runToken,
        options.plan()))
      .compose(r -> pool.preparedQuery(SqlStatements.get("seed_member")).execute(Tuple.of(project, user)))
      .compose(r -> pool.preparedQuery(SqlStatements.get("seed_tags")).execute(Tuple.of(project)))
      .compose(r -> pool.preparedQuery(SqlStatements.get("seed_folders")).execute(Tuple.of(project)))
      .compose(r -> {
        progress("project " + project + " (owner " + user + ") ready");
        return linkBatch(0);
      })
      .compose(v -> clickBatch(0))
      // Fresh statistics after a bulk load: without them the planner may sort a whole project for a page sorted by
      // clicks instead of walking link_stats_project_clicks_idx (measured: 22 req/s instead of hundreds).
      .compose(v -> pool.query("ANALYZE links, link_stats, link_tags, tags, folders, link_leads, link_sales").execute())
      .map(v -> {
        LOG.info("seeded project {}: {} links, {} clicks in {} s", project, options.links(), options.clicks(),
          (System.nanoTime() - started) / 1_000_000_000);
        return "project=" + project + " user=" + user;
      });
  }

  /** Inserts links [done, done + batch) and then the rest, one statement per batch. */
  private Future<Void> linkBatch(long done) {
    if (done >= options.links()) {
      return Future.succeededFuture();
    }
    int size = (int) Math.min(LINK_BATCH, options.links() - done);
    long started = System.nanoTime();
    return pool.preparedQuery(SqlStatements.get("seed_links"))
      .execute(Tuple.of(project, (int) done, size, runToken, user))
      .compose(rows -> {
        Row row = rows.iterator().next();
        progress(String.format("links %,d/%,d (+%,d tag assignments) in %d ms", done + size, options.links(),
          row.getLong("tags"), millisSince(started)));
        return linkBatch(done + size);
      });
  }

  /** Inserts clicks (with their installs and reopens) in statements of at most {@link #CLICK_BATCH}. */
  private Future<Void> clickBatch(long done) {
    if (done >= options.clicks()) {
      return Future.succeededFuture();
    }
    int size = (int) Math.min(CLICK_BATCH, options.clicks() - done);
    long started = System.nanoTime();
    return pool.preparedQuery(SqlStatements.get("seed_clicks"))
      .execute(Tuple.of(project, size))
      .compose(rows -> {
        Row row = rows.iterator().next();
        progress(String.format("clicks %,d/%,d (+%,d installs/reopens, %,d leads, %,d sales) in %d ms",
          done + row.getLong("clicks"), options.clicks(), row.getLong("installs"), row.getLong("leads"),
          row.getLong("sales"), millisSince(started)));
        return clickBatch(done + size);
      });
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  // Progress goes to stdout: seed is a command-line tool and these lines are its output, not operator logs.
  @SuppressWarnings("java:S106")
  private static void progress(String line) {
    System.out.println("seed: " + line);
  }
}
