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
}
