package io.linkexport.http;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusReplies;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.links.LinkFilter;
import io.linkexport.links.LinkPage;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code GET /api/v1/projects/{projectId}/links} and {@code .../links/count}: dashboard sessions and SDK API keys. */
public final class LinksHandler {

  private final EventBus bus;
  private final AccessControl access;

  public LinksHandler(EventBus bus, AccessControl access) {
    this.bus = bus;
    this.access = access;
  }

  public void list(RoutingContext ctx) {
    UUID projectId = Paths.uuid(ctx, "projectId");
    LinkFilter filter = LinkFilter.parse(params(ctx.queryParams()));
    access.check(Principal.of(ctx), projectId)
      .compose(a -> BusReplies.<LinkPage>requestMessage(bus, Addresses.LINKS_LIST,
        new JsonObject().put("projectId", projectId.toString()).put("filters", filter.toJson())))
      .onSuccess(reply -> Responses.okEncoded(ctx, reply.body().json(), new JsonObject()
        .put("page", filter.page()).put("pageSize", filter.pageSize()).put("hasMore", reply.body().hasMore())))
      .onFailure(ctx::fail);
  }

  public void count(RoutingContext ctx) {
    UUID projectId = Paths.uuid(ctx, "projectId");
    LinkFilter filter = LinkFilter.parse(params(ctx.queryParams()));
    access.check(Principal.of(ctx), projectId)
      .compose(a -> BusReplies.request(bus, Addresses.LINKS_COUNT,
        new JsonObject().put("projectId", projectId.toString()).put("filters", filter.toJson())))
      .onSuccess(res -> Responses.ok(ctx, 200, res.getLong("count")))
      .onFailure(ctx::fail);
  }

  static Map<String, List<String>> params(MultiMap query) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : query.names()) {
      out.put(name, query.getAll(name));
    }
    return out;
  }
}
