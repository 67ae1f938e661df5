package io.linkexport.http;

import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/** Path parameters. An id that is not a UUID cannot name anything: 404, like an id of another tenant. */
final class Paths {

  private Paths() {
  }

  static UUID uuid(RoutingContext ctx, String name) {
    String v = ctx.pathParam(name);
    if (v == null || v.length() != 36) {
      throw ApiException.notFound(name.replace("Id", "") + " not found");
    }
    try {
      return UUID.fromString(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.notFound(name.replace("Id", "") + " not found");
    }
  }

  /** True when the URI's path or query has a %-escape that does not decode (e.g. {@code %zz}, a lone {@code %}). */
  public static boolean malformedUri(String uri) {
    try {
      io.netty.handler.codec.http.QueryStringDecoder decoder = new io.netty.handler.codec.http.QueryStringDecoder(uri);
      decoder.path();
      decoder.parameters();
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
