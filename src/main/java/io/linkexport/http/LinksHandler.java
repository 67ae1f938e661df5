package io.linkexport.http;

import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinksClient;
import io.linkexport.links.ParamSource;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code GET /api/v1/projects/{projectId}/links} and {@code .../links/count}: dashboard sessions and SDK API keys.
 * The query string is parsed into a {@link LinkFilter} here, once; the query verticle gets the parsed filter.
 */
record LinksHandler(LinksClient links, AccessControl access, JsonObject exportLimits) {

  void list(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    LinkFilter filter = LinkFilter.parse(ParamSource.of(ctx.queryParams())).requirePageDepth();
    access.check(Principal.of(ctx), projectId)
      .compose(a -> links.list(projectId, filter))
      .onSuccess(page -> Responses.okEncoded(ctx, page.json(), new JsonObject()
        .put("page", filter.page()).put("pageSize", filter.pageSize()).put("hasMore", page.hasMore())))
      .onFailure(ctx::fail);
  }

  void count(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    LinkFilter filter = LinkFilter.parse(ParamSource.of(ctx.queryParams()));
    access.check(Principal.of(ctx), projectId)
      .compose(a -> links.count(projectId, filter))
      // with the export's caps, so a client knows before it exports whether the filters need a split
      .onSuccess(n -> Responses.ok(ctx, 200, n, exportLimits))
      .onFailure(ctx::fail);
  }
}
