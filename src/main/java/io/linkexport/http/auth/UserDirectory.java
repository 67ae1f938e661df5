package io.linkexport.http.auth;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Records the verified email address of each session user who starts an export ({@code app_users}): the export
 * service sends the job's email to that record only, so a request over the event bus cannot name another recipient.
 * Written on every start, uncached: a cache per node could hold an address another node has since replaced (a user
 * who changed it and changed it back), and one upsert that writes only a change costs nothing beside an export.
 */
public final class UserDirectory {

  private final Pool pool;

  public UserDirectory(Pool pool) {
    this.pool = pool;
  }

  /** Records the session's address (a session without one records nothing). */
  public Future<Void> remember(Principal p) {
    if (p.kind() != Principal.Kind.SESSION || p.email() == null || p.email().isBlank()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(SqlStatements.get("app_user_remember")).execute(Tuple.of(p.userId(), p.email()))
      .mapEmpty();
  }
}
