package io.linkexport.export;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.ServiceException;
import io.linkexport.db.SqlStatements;
import io.linkexport.projects.Role;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Who may do what with a project's exports, decided on the bus side for every request (the event-bus API is public
 * within the cluster, so the HTTP layer's own check is not enough): the caller must be a member (else 404, as for an
 * unknown project), exports need a paid plan to start (402) and a role that uses exports (403, {@link Role}).
 */
final class ExportAccess {

  /** A member's view of a project: its plan, the member's role and verified email address (null when unknown). */
  record Member(UUID projectId, UUID userId, String projectName, String plan, Role role, String email) {
  }

  private final Pool pool;

  ExportAccess(Pool pool) {
    this.pool = pool;
  }

  /** The caller's membership; 404 when the project is unknown or the caller is not a member. */
  Future<Member> member(UUID projectId, UUID userId) {
    return pool.preparedQuery(SqlStatements.get("project_for_export")).execute(Tuple.of(projectId, userId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(ServiceException.notFound("project not found"));
        }
        Row r = rows.iterator().next();
        return Future.succeededFuture(new Member(projectId, userId, r.getString("name"), r.getString("plan"),
          Role.of(r.getString("role")), r.getString("email")));
      });
  }

  /** A member who may read and cancel exports (any plan: a downgraded project keeps its files). */
  Future<Member> reader(UUID projectId, UUID userId) {
    return member(projectId, userId).compose(ExportAccess::usesExports);
  }

  /** A member who may start an export: the plan is checked first (402 wins over any other refusal), then the role. */
  Future<Member> starter(UUID projectId, UUID userId) {
    return member(projectId, userId).compose(m -> "free".equals(m.plan())
      ? Future.failedFuture(new ServiceException(ErrorCode.PLAN_REQUIRED,
        "Exporting links is available on paid plans. Upgrade the project to export its links to CSV."))
      : usesExports(m));
  }

  /** Only the member who started an export, an owner or an admin cancels it. */
  static Future<Void> mayCancel(Member m, Job job) {
    return job.requestedBy().equals(m.userId()) || m.role().managesOthersExports() ? Future.succeededFuture()
      : Future.failedFuture(ServiceException.forbidden("Only the member who started this export, an owner or an admin "
        + "can cancel it."));
  }

  private static Future<Member> usesExports(Member m) {
    return m.role().usesExports() ? Future.succeededFuture(m)
      : Future.failedFuture(ServiceException.forbidden("Viewers cannot use exports; ask an owner or admin of the "
        + "project for the member role."));
  }
}
