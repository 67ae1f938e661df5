package io.linkexport.http;

import io.linkexport.bus.ServiceException;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/** Path parameters. An id that is not a UUID cannot name anything: 404, like an id of another tenant. */
final class Paths {

  private Paths() {
  }

  /** The project of the path ({@code :projectId}). */
  static UUID project(RoutingContext ctx) {
    return uuid(ctx, "projectId", "project not found");
  }

  /** The export job of the path ({@code :jobId}). */
  static UUID job(RoutingContext ctx) {
    return uuid(ctx, "jobId", "export not found");
  }

  /** The webhook endpoint of the path ({@code :webhookId}). */
  static UUID webhook(RoutingContext ctx) {
    return uuid(ctx, "webhookId", "webhook not found");
  }

  /** The export schedule of the path ({@code :scheduleId}). */
  static UUID schedule(RoutingContext ctx) {
    return uuid(ctx, "scheduleId", "schedule not found");
  }

  private static UUID uuid(RoutingContext ctx, String name, String notFound) {
    String v = ctx.pathParam(name);
    if (v != null && v.length() == 36) {
      try {
        return UUID.fromString(v);
      } catch (IllegalArgumentException e) {
        // fall through to the 404
      }
    }
    throw ServiceException.notFound(notFound);
  }

  /** True when the URI's path or query has a %-escape that does not decode (e.g. {@code %zz}, a lone {@code %}). */
  static boolean malformedUri(String uri) {
    try {
      QueryStringDecoder decoder = new QueryStringDecoder(uri);
      decoder.path();
      decoder.parameters();
      return false;
    } catch (IllegalArgumentException e) {
      return true;
    }
  }
}
