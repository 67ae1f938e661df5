package io.linkexport.http;

import io.linkexport.http.auth.AccessControl;
import io.linkexport.webhooks.WebhookClient;
import io.vertx.ext.web.Router;

/**
 * The webhook endpoints of a project ({@code /api/v1/projects/{projectId}/webhooks}): {@code POST} (201 with the
 * endpoint and its secret, shown this once), {@code GET} (the endpoints with their recent deliveries), {@code PATCH
 * .../{id}} ({@code {"enabled"}}: pause or resume), {@code DELETE .../{id}}, {@code POST .../{id}/test} (202).
 * Dashboard sessions only, like exports; the webhook service authorises by role and plan and checks the URL.
 */
record WebhooksHandler(WebhookClient webhooks, AccessControl access) {

  static final String BASE = "/api/v1/projects/:projectId/webhooks";

  /** Serves the routes below {@link #BASE}. */
  void mount(Router router) {
    AccessLog.serve(router.post(BASE), ctx -> ProjectCall.run(ctx, access, 201,
      (project, p) -> webhooks.create(project, p.userId(), ExportHandler.body(ctx))));
    AccessLog.serve(router.get(BASE), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> webhooks.list(project, p.userId()).map(reply -> reply.getJsonArray("webhooks"))));
    AccessLog.serve(router.patch(BASE + "/:webhookId"), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> webhooks.update(project, p.userId(), Paths.webhook(ctx), ExportHandler.body(ctx))));
    AccessLog.serve(router.delete(BASE + "/:webhookId"), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> webhooks.delete(project, p.userId(), Paths.webhook(ctx))));
    AccessLog.serve(router.post(BASE + "/:webhookId/test"), ctx -> ProjectCall.run(ctx, access, 202,
      (project, p) -> webhooks.test(project, p.userId(), Paths.webhook(ctx))));
  }
}
