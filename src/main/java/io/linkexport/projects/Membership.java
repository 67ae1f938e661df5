package io.linkexport.projects;

import io.linkexport.bus.ServiceException;
import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * A member's view of a project, in one look-up ({@code project_for_export.sql}): the project's name and plan, the
 * member's role and verified email address (null when unknown). Exports, their schedules and webhooks authorise by it.
 */
public record Membership(UUID projectId, UUID userId, String projectName, String plan, Role role, String email) {

  /** The project is on the free plan (no exports, schedules or webhooks start there). */
  public boolean freePlan() {
    return "free".equals(plan);
  }

  /** The membership, or null when the project is unknown or the user is not a member of it. */
  public static Future<Membership> find(SqlClient client, UUID projectId, UUID userId) {
    return client.preparedQuery(SqlStatements.get("project_for_export")).execute(Tuple.of(projectId, userId))
      .map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row r = rows.iterator().next();
        return new Membership(projectId, userId, r.getString("name"), r.getString("plan"),
          Role.of(r.getString("role")), r.getString("email"));
      });
  }

  /** The membership; 404 when the project is unknown or the user is not a member (the two look the same). */
  public static Future<Membership> require(SqlClient client, UUID projectId, UUID userId) {
    return find(client, projectId, userId).compose(m -> m == null
      ? Future.failedFuture(ServiceException.notFound("project not found")) : Future.succeededFuture(m));
  }
}
