package io.linkexport.http;

import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkJson;
import io.linkexport.links.LinkPage;
import io.linkexport.links.LinksClient;
import io.linkexport.links.ParamSource;
import io.linkexport.telemetry.ServiceMeters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.UUID;

/**
 * {@code GET /api/v1/projects/{projectId}/links} and {@code .../links/count}: dashboard sessions and SDK API keys.
 * The query string is parsed into a {@link LinkFilter} here, once; the query verticle gets the parsed filter.
 * {@code Accept: application/vnd.dub+json} asks for dub.co's own response: the bare array of dub-shaped links (the
 * count: the bare number), so that a dub SDK's call works unchanged; it is sent as {@code application/json}, the only
 * type dub's SDKs parse. Anything else gets the service's envelope. Each answer's time is recorded by sort
 * ({@code linkexport_list_request_duration_seconds}).
 */
record LinksHandler(LinksClient links, AccessControl access, JsonObject exportLimits, ServiceMeters meters) {

  /** The media type that asks for dub's bare response. */
  static final String DUB_MEDIA_TYPE = "application/vnd.dub+json";

  void list(RoutingContext ctx) {
    long started = System.nanoTime();
    UUID projectId = Paths.project(ctx);
    LinkFilter filter = LinkFilter.parse(ParamSource.of(ctx.queryParams())).requirePageDepth();
    boolean dub = wantsDub(ctx);
    access.check(Principal.of(ctx), projectId)
      .compose(a -> links.list(projectId, filter, dub ? LinkJson.Shape.DUB : LinkJson.Shape.SERVICE))
      .onSuccess(page -> {
        if (dub) {
          Responses.bare(ctx, page.json());
        } else {
          Responses.okEncoded(ctx, page.json(), meta(filter, page));
        }
      })
      .onFailure(ctx::fail)
      .onComplete(ar -> meters.listRequest("list", filter.sortBy().param(), System.nanoTime() - started));
  }

  void count(RoutingContext ctx) {
    long started = System.nanoTime();
    UUID projectId = Paths.project(ctx);
    LinkFilter filter = LinkFilter.parse(ParamSource.of(ctx.queryParams()));
    boolean dub = wantsDub(ctx);
    access.check(Principal.of(ctx), projectId)
      .compose(a -> links.count(projectId, filter))
      .onSuccess(n -> {
        if (dub) {
          Responses.bare(ctx, Buffer.buffer(String.valueOf(n)));
        } else {
          ctx.response().putHeader("Vary", "Accept"); // the body depends on Accept (bare): caches must know
          // with the export's caps, so a client knows before it exports whether the filters need a split
          Responses.ok(ctx, 200, n, exportLimits);
        }
      })
      .onFailure(ctx::fail)
      .onComplete(ar -> meters.listRequest("count", filter.sortBy().param(), System.nanoTime() - started));
  }

  /** page (null for a cursor page), pageSize, hasMore and the cursors of the page. */
  private static JsonObject meta(LinkFilter filter, LinkPage page) {
    return new JsonObject()
      .put("page", filter.cursorPage() ? null : filter.page())
      .put("pageSize", filter.pageSize())
      .put("hasMore", page.hasMore())
      .put("nextCursor", page.nextCursor() == null ? null : page.nextCursor().toString())
      .put("prevCursor", page.prevCursor() == null ? null : page.prevCursor().toString());
  }

  /** True when an Accept header lists dub's media type (parameters such as q are ignored). */
  static boolean wantsDub(RoutingContext ctx) {
    for (String accept : ctx.request().headers().getAll("Accept")) {
      for (String range : accept.split(",")) {
        int semicolon = range.indexOf(';');
        String type = (semicolon < 0 ? range : range.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        if (type.equals(DUB_MEDIA_TYPE)) {
          return true;
        }
      }
    }
    return false;
  }
}
