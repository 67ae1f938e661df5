package io.linkexport.http;

import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinksClient;
import io.linkexport.links.ParamSource;
import io.linkexport.telemetry.ServiceMeters;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code GET /api/v1/projects/{projectId}/links} and {@code .../links/count}: dashboard sessions and SDK API keys.
 * The query string is parsed into a {@link LinkFilter} here, once; the query verticle gets the parsed filter. Each
 * answer's time is recorded by sort ({@code linkexport_list_request_duration_seconds}).
 */
record LinksHandler(LinksClient links, AccessControl access, ServiceMeters meters) {

  void list(RoutingContext ctx) {
    long started = System.nanoTime();
    UUID projectId = Paths.project(ctx);
    LinkFilter filter = LinkFilter.parse(ParamSource.of(ctx.queryParams())).requirePageDepth();
    access.check(Principal.of(ctx), projectId)
      .compose(a -> links.list(projectId, filter))
      .onSuccess(page -> Responses.okEncoded(ctx, page.json(), new JsonObject()
        .put("page", filter.page()).put("pageSize", filter.pageSize()).put("hasMore", page.hasMore())))
      .onFailure(ctx::fail)
      .onComplete(ar -> meters.listRequest("list", filter.sortBy().param(), System.nanoTime() - started));
  }

  void count(RoutingContext ctx) {
    long started = System.nanoTime();
    UUID projectId = Paths.project(ctx);
    LinkFilter filter = LinkFilter.parse(ParamSource.of(ctx.queryParams()));
    access.check(Principal.of(ctx), projectId)
      .compose(a -> links.count(projectId, filter))
      .onSuccess(n -> Responses.ok(ctx, 200, n))
      .onFailure(ctx::fail)
      .onComplete(ar -> meters.listRequest("count", filter.sortBy().param(), System.nanoTime() - started));
  }
}
