package io.linkexport.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * The one mapping from any failure to the {@link ServiceException} a caller sees. A ServiceException passes through
 * unchanged; a {@link ReplyException} maps by its type ({@code TIMEOUT} and {@code NO_HANDLERS} mean the service is
 * busy or starting: 503; a recipient failure keeps its status); a Postgres error maps by its SQLSTATE class; a broken
 * connection or a timeout is a dependency that is unavailable (503 with Retry-After); anything else is a bug (500).
 */
public final class Failures {

  /** Postgres' unique_violation. */
  public static final String UNIQUE_VIOLATION = "23505";
  /**
   * The SQLSTATE the database raises for a request value it refuses (V13: a metricsFrom before the kept event
   * history), checked in the snapshot of the statement that reads it; the error's COLUMN names the request's field.
   */
  public static final String BAD_REQUEST_STATE = "LX400";

  private Failures() {
  }

  public static ServiceException toService(Throwable err) {
    if (err instanceof ServiceException se) {
      return se;
    }
    if (err instanceof ReplyException re) {
      return switch (re.failureType()) {
        case TIMEOUT -> new ServiceException(ErrorCode.UNAVAILABLE, "the service is busy, try again shortly");
        case NO_HANDLERS -> new ServiceException(ErrorCode.UNAVAILABLE,
          "the service is starting or unavailable, try again shortly");
        default -> re.failureCode() >= 400 && re.failureCode() < 600
          ? new ServiceException(ErrorCode.forStatus(re.failureCode()), String.valueOf(re.getMessage()))
          : ServiceException.internal();
      };
    }
    PgException refused = pgError(err);
    if (refused != null && BAD_REQUEST_STATE.equals(refused.getSqlState())) {
      return ServiceException.badRequest(refused.getColumn(), refused.getErrorMessage());
    }
    if (unavailable(err)) {
      return new ServiceException(ErrorCode.UNAVAILABLE, "a dependency is unavailable, try again shortly")
        .retryAfter(5);
    }
    return ServiceException.internal();
  }

  /** True when {@code err} (or a cause) is a Postgres error with this SQLSTATE. */
  public static boolean hasSqlState(Throwable err, String sqlState) {
    PgException pg = pgError(err);
    return pg != null && sqlState.equals(pg.getSqlState());
  }

  /** The first Postgres error in {@code err}'s causes; null without one. */
  public static PgException pgError(Throwable err) {
    for (Throwable t = err; t != null; t = next(t)) {
      if (t instanceof PgException pg) {
        return pg;
      }
    }
    return null;
  }

  /**
   * True for failures that mean "a dependency is down or overloaded", as opposed to a bug: broken or refused
   * connections, timeouts, and Postgres errors of the classes connection exception (08), insufficient resources (53),
   * operator intervention (57, e.g. a restart), transaction rollback (40: serialization, deadlock) and
   * lock not available (55P03).
   */
  public static boolean unavailable(Throwable err) {
    for (Throwable t = err; t != null; t = next(t)) {
      if (t instanceof PgException pg) {
        return transientSqlState(String.valueOf(pg.getSqlState()));
      }
      if (t instanceof IOException || t instanceof TimeoutException || t instanceof ClosedConnectionException
        || t instanceof HttpClosedException || saysUnavailable(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  private static boolean transientSqlState(String state) {
    return state.startsWith("08") || state.startsWith("53") || state.startsWith("57") || state.startsWith("40")
      || state.equals("55P03");
  }

  /** Clients that wrap a transport failure into a plain exception say so in words. */
  private static boolean saysUnavailable(String message) {
    String m = String.valueOf(message).toLowerCase(Locale.ROOT);
    return m.contains("connection refused") || m.contains("connection reset") || m.contains("connection was closed")
      || m.contains("timeout") || m.contains("timed out") || m.contains("closed connection");
  }

  private static Throwable next(Throwable t) {
    return t.getCause() == t ? null : t.getCause();
  }
}
