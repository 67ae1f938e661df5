package io.linkexport.export;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.ServiceException;
import io.linkexport.projects.Membership;
import io.linkexport.projects.Role;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

/**
 * Who may do what with a project's exports (and their schedules), decided on the bus side for every request (the
 * event-bus API is public within the cluster, so the HTTP layer's own check is not enough): the caller must be a
 * member (else 404, as for an unknown project), exports need a paid plan to start (402) and a role that uses exports
 * (403, {@link Role}).
 */
final class ExportAccess {

  private final Pool pool;

  ExportAccess(Pool pool) {
    this.pool = pool;
  }

  /** A member who may read and cancel exports (any plan: a downgraded project keeps its files). */
  Future<Membership> reader(UUID projectId, UUID userId) {
    return Membership.require(pool, projectId, userId).compose(ExportAccess::usesExports);
  }

  /** A member who may start an export: the plan is checked first (402 wins over any other refusal), then the role. */
  Future<Membership> starter(UUID projectId, UUID userId) {
    return Membership.require(pool, projectId, userId).compose(m -> m.freePlan()
      ? Future.failedFuture(new ServiceException(ErrorCode.PLAN_REQUIRED,
        "Exporting links is available on paid plans. Upgrade the project to export its links to CSV."))
      : usesExports(m));
  }

  /** Only the member who started an export, an owner or an admin cancels it. */
  static Future<Void> mayCancel(Membership m, Job job) {
    return job.requestedBy().equals(m.userId()) || m.role().managesOthersExports() ? Future.succeededFuture()
      : Future.failedFuture(ServiceException.forbidden("Only the member who started this export, an owner or an admin "
        + "can cancel it."));
  }

  private static Future<Membership> usesExports(Membership m) {
    return m.role().usesExports() ? Future.succeededFuture(m)
      : Future.failedFuture(ServiceException.forbidden("Viewers cannot use exports; ask an owner or admin of the "
        + "project for the member role."));
  }
}
