package io.linkexport.http.auth;

import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/**
 * Records the verified email address of each session user who starts an export ({@code app_users}): the export
 * service sends the job's email to that record only, so a request over the event bus cannot name another recipient.
 * A user's address is written again only when it changed or after {@link #RECHECK_MS}.
 */
public final class UserDirectory {

  private static final long RECHECK_MS = 600_000;
  private static final int MAX_ENTRIES = 10_000;

  private final Pool pool;
  private final ExpiringCache<UUID, String> recorded = new ExpiringCache<>(MAX_ENTRIES);

  public UserDirectory(Pool pool) {
    this.pool = pool;
  }

  /** Records the session's address (a session without one records nothing). */
  public Future<Void> remember(Principal p) {
    if (p.kind() != Principal.Kind.SESSION || p.email() == null || p.email().isBlank()) {
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    if (p.email().equals(recorded.get(p.userId(), now))) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(SqlStatements.get("app_user_remember")).execute(Tuple.of(p.userId(), p.email()))
      .onSuccess(v -> recorded.put(p.userId(), p.email(), now + RECHECK_MS))
      .mapEmpty();
  }
}
