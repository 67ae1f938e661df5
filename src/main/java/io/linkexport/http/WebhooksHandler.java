package io.linkexport.http;

import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.Principal;
import io.linkexport.webhooks.WebhookClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * The webhook endpoints of a project ({@code /api/v1/projects/{projectId}/webhooks}). Dashboard sessions only, like
 * exports (an SDK API key gets 403); the webhook service authorises by role and plan and checks the URL.
 */
record WebhooksHandler(WebhookClient webhooks, AccessControl access) {

  static final String BASE = "/api/v1/projects/:projectId/webhooks";

  /** Serves the routes below {@link #BASE}. */
  void mount(Router router) {
    AccessLog.serve(router.post(BASE), this::create);
    AccessLog.serve(router.get(BASE), this::list);
    AccessLog.serve(router.patch(BASE + "/:webhookId"), this::update);
    AccessLog.serve(router.delete(BASE + "/:webhookId"), this::delete);
    AccessLog.serve(router.post(BASE + "/:webhookId/test"), this::test);
  }

  /** {@code POST .../webhooks}: 201 with the endpoint and its secret (shown this once). */
  void create(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = ExportHandler.session(ctx);
    JsonObject body = ExportHandler.body(ctx);
    access.check(p, projectId).compose(a -> webhooks.create(projectId, p.userId(), body))
      .onSuccess(created -> {
        ctx.response().putHeader("Cache-Control", "no-store")
          .putHeader("Location", ctx.request().path() + "/" + created.getString("id"));
        Responses.ok(ctx, 201, created);
      })
      .onFailure(ctx::fail);
  }

  /** {@code GET .../webhooks}: the endpoints with their recent deliveries. */
  void list(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = ExportHandler.session(ctx);
    access.check(p, projectId).compose(a -> webhooks.list(projectId, p.userId()))
      .onSuccess(reply -> Responses.ok(ctx, 200, reply.getJsonArray("webhooks")))
      .onFailure(ctx::fail);
  }

  /** {@code PATCH .../webhooks/{id}} with {@code {"enabled": false|true}}: pauses or resumes it. */
  void update(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = ExportHandler.session(ctx);
    JsonObject body = ExportHandler.body(ctx);
    access.check(p, projectId).compose(a -> webhooks.update(projectId, p.userId(), Paths.webhook(ctx), body))
      .onSuccess(endpoint -> Responses.ok(ctx, 200, endpoint)).onFailure(ctx::fail);
  }

  /** {@code DELETE .../webhooks/{id}}. */
  void delete(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = ExportHandler.session(ctx);
    access.check(p, projectId).compose(a -> webhooks.delete(projectId, p.userId(), Paths.webhook(ctx)))
      .onSuccess(reply -> Responses.ok(ctx, 200, reply)).onFailure(ctx::fail);
  }

  /** {@code POST .../webhooks/{id}/test}: 202, a {@code webhook.test} event is on its way. */
  void test(RoutingContext ctx) {
    UUID projectId = Paths.project(ctx);
    Principal p = ExportHandler.session(ctx);
    access.check(p, projectId).compose(a -> webhooks.test(projectId, p.userId(), Paths.webhook(ctx)))
      .onSuccess(reply -> Responses.ok(ctx, 202, reply)).onFailure(ctx::fail);
  }
}
