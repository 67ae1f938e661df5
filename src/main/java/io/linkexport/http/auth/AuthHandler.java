package io.linkexport.http.auth;

import io.linkexport.bus.ServiceException;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates {@code Authorization: Bearer <token>}: {@code lx_...} is an SDK API key, anything else a Supabase
 * session JWT. Stores the {@link Principal} in the routing context. Tokens are never logged.
 */
public final class AuthHandler implements Handler<RoutingContext> {

  private final SessionTokenVerifier sessions;
  private final ApiKeys apiKeys;

  public AuthHandler(SessionTokenVerifier sessions, ApiKeys apiKeys) {
    this.sessions = sessions;
    this.apiKeys = apiKeys;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(ServiceException.unauthorized("missing bearer token: send Authorization: Bearer <session token>"));
      return;
    }
    String token = header.substring(7).trim();
    var principal = token.startsWith(ApiKeys.PREFIX)
      ? apiKeys.resolve(token).map(Principal::apiKey)
      : sessions.verify(token);
    principal.onSuccess(p -> {
      ctx.put(Principal.CONTEXT_KEY, p);
      ctx.next();
    }).onFailure(ctx::fail);
  }
}
