package io.linkexport.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The success envelope {@code {"success": true, "data": ...}}. */
public final class Responses {

  private Responses() {
  }

  public static void ok(RoutingContext ctx, int status, Object data) {
    ok(ctx, status, data, null);
  }

  /** 200 with {@code data} already encoded as JSON (the list API's page comes encoded from the query verticle). */
  public static void okEncoded(RoutingContext ctx, Buffer data, JsonObject meta) {
    Buffer body = Buffer.buffer(data.length() + 128).appendString("{\"success\":true,\"data\":").appendBuffer(data);
    if (meta != null) {
      body.appendString(",\"meta\":").appendBuffer(meta.toBuffer());
    }
    body.appendString("}");
    ctx.response().setStatusCode(200)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Vary", "Accept")
      .end(body);
  }

  /**
   * 200 with {@code json} as the whole body, no envelope: dub.co's own response, asked for with {@code Accept:
   * application/vnd.dub+json} and sent as {@code application/json} (dub's SDKs parse that type only). The body depends
   * on the Accept header, which caches must know.
   */
  public static void bare(RoutingContext ctx, Buffer json) {
    ctx.response().setStatusCode(200)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Vary", "Accept")
      .end(json);
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
