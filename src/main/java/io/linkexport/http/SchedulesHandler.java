package io.linkexport.http;

import io.linkexport.export.ScheduleClient;
import io.linkexport.http.auth.AccessControl;
import io.linkexport.http.auth.UserDirectory;
import io.vertx.ext.web.Router;

/**
 * The export schedules of a project ({@code /api/v1/projects/{projectId}/links/export-schedules}): {@code POST}
 * (201 with the schedule and its {@code nextRunAt}), {@code GET}, {@code GET/PATCH/DELETE .../{id}}. Dashboard
 * sessions only, like exports; the export service authorises by role and plan and checks every field.
 */
record SchedulesHandler(ScheduleClient schedules, AccessControl access, UserDirectory users) {

  static final String BASE = "/api/v1/projects/:projectId/links/export-schedules";

  void mount(Router router) {
    AccessLog.serve(router.post(BASE), ctx -> ProjectCall.run(ctx, access, 201,
      // the runs' email goes to verified addresses on record: record the session's first (default recipient)
      (project, p) -> users.remember(p)
        .compose(v -> schedules.create(project, p.userId(), ExportHandler.body(ctx)))));
    AccessLog.serve(router.get(BASE), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> schedules.list(project, p.userId()).map(reply -> reply.getJsonArray("schedules"))));
    AccessLog.serve(router.get(BASE + "/:scheduleId"), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> schedules.get(project, p.userId(), Paths.schedule(ctx))));
    AccessLog.serve(router.patch(BASE + "/:scheduleId"), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> schedules.update(project, p.userId(), Paths.schedule(ctx), ExportHandler.body(ctx))));
    AccessLog.serve(router.delete(BASE + "/:scheduleId"), ctx -> ProjectCall.run(ctx, access, 200,
      (project, p) -> schedules.delete(project, p.userId(), Paths.schedule(ctx))));
  }
}
