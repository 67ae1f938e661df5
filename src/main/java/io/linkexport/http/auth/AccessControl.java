package io.linkexport.http.auth;

import io.linkexport.db.SqlStatements;
import io.linkexport.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Decides whether a principal may use a project. Unknown project, non-member and another project's API key all get
 * the same 404, so ids of other tenants' projects cannot be probed. Positive answers are cached for a few seconds
 * (the list API's hot path); a removed member loses access within {@code ACCESS_CACHE_MS}.
 */
public final class AccessControl {

  private static final int MAX_ENTRIES = 10_000;

  private final Pool pool;
  private final long ttlMs;
  private final ExpiringCache<String, ProjectAccess> cache = new ExpiringCache<>(MAX_ENTRIES);

  public AccessControl(Pool pool, long ttlMs) {
    this.pool = pool;
    this.ttlMs = ttlMs;
  }

  public Future<ProjectAccess> check(Principal p, UUID projectId) {
    Object who = p.kind() == Principal.Kind.SESSION ? p.userId() : p.apiKeyProjectId();
    String key = p.kind() + ":" + who + ":" + projectId;
    long now = System.currentTimeMillis();
    ProjectAccess known = cache.get(key, now);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    Future<ProjectAccess> lookup = p.kind() == Principal.Kind.SESSION
      ? pool.preparedQuery(SqlStatements.get("access_member")).execute(Tuple.of(projectId, p.userId()))
        .map(rows -> rows.size() == 0 ? null : access(rows.iterator().next()))
      : p.apiKeyProjectId().equals(projectId)
        ? pool.preparedQuery(SqlStatements.get("access_project")).execute(Tuple.of(projectId))
          .map(rows -> rows.size() == 0 ? null : access(rows.iterator().next()))
        : Future.succeededFuture(null);
    return lookup.compose(a -> {
      if (a == null) {
        return Future.failedFuture(ServiceException.notFound("project not found"));
      }
      cache.put(key, a, now + ttlMs);
      return Future.succeededFuture(a);
    });
  }

  private static ProjectAccess access(Row r) {
    return new ProjectAccess(r.getUUID("id"), r.getString("plan"), r.getString("role"));
  }
}
