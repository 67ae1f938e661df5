package io.linkexport.links;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.Codecs;
import io.linkexport.bus.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The typed client of the query verticles: {@link Addresses#LINKS_LIST}, {@code LINKS_COUNT}. */
public final class LinksClient {

  private final BusClient bus;

  public LinksClient(BusClient bus) {
    this.bus = bus;
    registerCodecs(bus);
  }

  /** The local-only codecs of the query verticles' requests and replies. */
  public static void registerCodecs(BusClient bus) {
    Codecs.registerLocal(bus.bus(), LinksRequest.class);
    Codecs.registerLocal(bus.bus(), LinkPage.class);
  }

  /** One page of the project's links in the filter's order, in the service's shape. */
  public Future<LinkPage> list(UUID projectId, LinkFilter filter) {
    return list(projectId, filter, LinkJson.Shape.SERVICE);
  }

  /** One page of the project's links in the filter's order, each link in {@code shape}. */
  public Future<LinkPage> list(UUID projectId, LinkFilter filter, LinkJson.Shape shape) {
    return bus.request(Addresses.LINKS_LIST, new LinksRequest(projectId, filter, shape));
  }

  /** The number of the project's links that match the filter. */
  public Future<Long> count(UUID projectId, LinkFilter filter) {
    return bus.<JsonObject>request(Addresses.LINKS_COUNT, new LinksRequest(projectId, filter, LinkJson.Shape.SERVICE))
      .map(reply -> reply.getLong(Fields.COUNT));
  }
}
