package io.linkexport.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The success envelope {@code {"success": true, "data": ...}}. */
public final class Responses {

  private Responses() {
  }

  public static void ok(RoutingContext ctx, int status, Object data) {
    ok(ctx, status, data, null);
  }

  public static void ok(RoutingContext ctx, int status, Object data, JsonObject meta) {
    JsonObject body = new JsonObject().put("success", true).put("data", data);
    if (meta != null) {
      body.put("meta", meta);
    }
    ctx.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .end(body.toBuffer());
  }
}
