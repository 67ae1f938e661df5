package io.linkexport.projects;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** The projects of a user, as the dashboard's project picker lists them ({@code sql/projects_of_user.sql}). */
public final class ProjectDirectory {

  private final Pool pool;

  public ProjectDirectory(Pool pool) {
    this.pool = pool;
  }

  /** {@code [{id, name, plan, role}]}, by name. */
  public Future<JsonArray> projectsOf(UUID userId) {
    return pool.preparedQuery(SqlStatements.get("projects_of_user")).execute(Tuple.of(userId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("id", r.getUUID(0).toString()).put("name", r.getString(1))
        .put("plan", r.getString(2)).put("role", r.getString(3))));
      return out;
    });
  }
}
