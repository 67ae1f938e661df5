package io.linkexport.projects;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * The projects of a user, as the dashboard's project picker lists them ({@code sql/projects_of_user.sql}), and a
 * project's tags and folders, as its tag and folder pickers list them.
 */
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

  /** {@code [{id, name, color}]} of the project's tags, by name, at most {@link ProjectsClient#MAX_ITEMS}. */
  public Future<JsonArray> tags(UUID projectId) {
    return pool.preparedQuery(SqlStatements.get("project_tags")).execute(Tuple.of(projectId,
      ProjectsClient.MAX_ITEMS)).map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(new JsonObject().put("id", r.getUUID(0).toString()).put("name", r.getString(1))
          .put("color", r.getString(2))));
        return out;
      });
  }

  /** {@code [{id, name}]} of the project's folders, by name, at most {@link ProjectsClient#MAX_ITEMS}. */
  public Future<JsonArray> folders(UUID projectId) {
    return pool.preparedQuery(SqlStatements.get("project_folders")).execute(Tuple.of(projectId,
      ProjectsClient.MAX_ITEMS)).map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(r -> out.add(new JsonObject().put("id", r.getUUID(0).toString()).put("name", r.getString(1))));
        return out;
      });
  }
}
