package io.linkexport.http.auth;

import io.linkexport.bus.ServiceException;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * Who is calling: a dashboard session (a Supabase user) or an SDK API key (a project). Exports accept sessions only.
 *
 * @param userId the Supabase user id ({@code sub}); null for API keys
 * @param email the user's address from the token, if any
 * @param apiKeyProjectId the project an API key belongs to; null for sessions
 */
public record Principal(Kind kind, UUID userId, String email, UUID apiKeyProjectId) {

  static final String CONTEXT_KEY = "link-export.principal";

  public enum Kind { SESSION, API_KEY }

  public static Principal session(UUID userId, String email) {
    return new Principal(Kind.SESSION, userId, email, null);
  }

  public static Principal apiKey(UUID projectId) {
    return new Principal(Kind.API_KEY, null, null, projectId);
  }

  /** The principal the {@link AuthHandler} authenticated for this request. */
  public static Principal of(RoutingContext ctx) {
    Principal p = ctx.get(CONTEXT_KEY);
    if (p == null) {
      throw ServiceException.unauthorized("authentication required");
    }
    return p;
  }
}
