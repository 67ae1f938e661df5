package io.linkexport.export;

import io.linkexport.db.SqlStatements;
import io.linkexport.links.LinkQuery;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What an attempt writes, decided in its snapshot: the count against the caps and the files. Without a split, over
 * {@code EXPORT_MAX_ROWS} the export fails with the cap's message (the specified behaviour). With {@code split=auto},
 * over {@code EXPORT_MAX_TOTAL_ROWS} it fails with the same message naming that limit; under the per-file ceiling it
 * is one file; over it, {@link SplitPlan} cuts it by creation date from the per-day count. Also reads the project's
 * tag names when a column writes them. Every read goes through the attempt's {@link StallWatchdog}.
 */
final class ExportPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(ExportPlanner.class);

  /** The count and the files. */
  record Plan(long total, List<FileSpec> files) {
    boolean split() {
      return files.size() > 1;
    }
  }

  private final SqlConnection conn;
  private final StallWatchdog watchdog;

  ExportPlanner(SqlConnection conn, StallWatchdog watchdog) {
    this.conn = conn;
    this.watchdog = watchdog;
  }

  Future<Plan> plan(LinkQuery query, FileOptions options, long maxRows, long maxTotalRows) {
    if (options.split() == Split.NONE) {
      LinkQuery.Sql count = query.render(SqlStatements.get("links_count"));
      return watchdog.watched(() -> conn.preparedQuery(count.text()).execute(count.params())).compose(rows -> {
        long total = rows.iterator().next().getLong(0);
        return total > maxRows ? Future.failedFuture(ExportFailure.tooManyRows(total, maxRows))
          : Future.succeededFuture(new Plan(total, List.of(FileSpec.whole(total))));
      });
    }
    LinkQuery.Sql byDay = query.render(SqlStatements.get("links_count_by_day"));
    return watchdog.watched(() -> conn.preparedQuery(byDay.text()).execute(byDay.params())).compose(rows -> {
      List<SplitPlan.Day> days = new ArrayList<>();
      long total = 0;
      for (Row r : rows) {
        days.add(new SplitPlan.Day(r.getLocalDate(0), r.getLong(1)));
        total += r.getLong(1);
      }
      if (total > maxTotalRows) {
        return Future.failedFuture(ExportFailure.tooManyRows(total, maxTotalRows));
      }
      long ceiling = options.ceiling(maxRows);
      List<FileSpec> files = total <= ceiling ? List.of(FileSpec.whole(total)) : SplitPlan.plan(days, ceiling);
      return Future.succeededFuture(new Plan(total, files));
    });
  }

  /**
   * Chooses how the export's cursor is planned ({@link ReadPlan}) from the count, the tables' size and whether the
   * export yields to list pages, and sets it for the rest of the snapshot's transaction.
   */
  Future<ReadPlan.Chosen> readPlan(Job job, Plan plan, boolean rollupSort, String configured, boolean yielding,
                                   boolean windowed) {
    return watchdog.watched(() -> conn.preparedQuery(SqlStatements.get("export_table_rows")).execute())
      .compose(rows -> {
        Row r = rows.iterator().next();
        ReadPlan.Tables tables = new ReadPlan.Tables(r.getLong(0), r.getLong(1), r.getLong(2));
        ReadPlan read = ReadPlan.choose(configured, plan.total(), tables, rollupSort, plan.split(), yielding,
          windowed);
        LOG.info("export {} (project {}) reads with the {} plan", job.id(), job.projectId(),
          ReadPlan.describe(read, configured, plan.total(), tables, rollupSort, plan.split(), yielding, windowed));
        return watchdog.watched(() -> conn.preparedQuery(SqlStatements.get("export_read_plan"))
          .execute(Tuple.of(read.tupleFraction()))).map(v -> new ReadPlan.Chosen(read, tables, rollupSort));
      });
  }

  /** The project's tag names by id (empty unless a column writes them). */
  Future<Map<UUID, String>> tagNames(UUID projectId, ColumnSet columns) {
    if (!columns.hasTags()) {
      return Future.succeededFuture(Map.of());
    }
    return watchdog.watched(() -> conn.preparedQuery(SqlStatements.get("export_tags")).execute(Tuple.of(projectId)))
      .map(rows -> {
        Map<UUID, String> names = new HashMap<>();
        rows.forEach(r -> names.put(r.getUUID(0), r.getString(1)));
        return names;
      });
  }
}
