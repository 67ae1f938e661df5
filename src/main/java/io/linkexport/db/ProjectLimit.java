package io.linkexport.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Creations a project may make only so many of (schedules, webhook endpoints): the insert, whose statement counts the
 * project's rows against the limit, runs in a transaction after {@code project_limit_lock.sql}, so concurrent
 * creations take turns and each count sees every committed one.
 */
public final class ProjectLimit {

  private ProjectLimit() {
  }

  /** Runs {@code statement} (an insert that counts against the limit) with {@code params} under the project's lock. */
  public static Future<RowSet<Row>> insert(Pool pool, UUID projectId, String statement, Tuple params) {
    return pool.withTransaction(tx -> tx.preparedQuery(SqlStatements.get("project_limit_lock"))
      .execute(Tuple.of(projectId)).compose(v -> tx.preparedQuery(SqlStatements.get(statement)).execute(params)));
  }
}
