package io.linkexport.links;

import io.linkexport.AppConfig;
import io.linkexport.ServiceVerticle;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.bus.BusServer;
import io.linkexport.bus.Fields;
import io.linkexport.db.Db;
import io.linkexport.db.ReadReplicas;
import io.linkexport.projects.ProjectDirectory;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.util.UUID;

/**
 * Answers the read queries over the event bus: links pages and counts ({@link Addresses#LINKS_LIST},
 * {@link Addresses#LINKS_COUNT}), a user's projects ({@link Addresses#PROJECTS_OF_USER}) and a project's tags and
 * folders ({@link Addresses#PROJECT_TAGS}, {@link Addresses#PROJECT_FOLDERS}). Internal addresses:
 * callers have already authorised the project. Pages and counts take their project's turn at the gate, which all
 * instances share (one per node, like the list pools).
 */
public class QueryVerticle extends ServiceVerticle {

  private final ProjectQueryGate gate;
  private final ReadReplicas replicas;

  public QueryVerticle(ProjectQueryGate gate, ReadReplicas replicas) {
    this.gate = gate;
    this.replicas = replicas;
  }

  @Override
  public Future<?> start() {
    AppConfig config = settings();
    Pool pool = Db.listPool(vertx, config, true);
    Pool genericPool = Db.listPool(vertx, config, false);
    closeOnStop(pool::close);
    closeOnStop(genericPool::close);
    LinkRepository.Pools primary = new LinkRepository.Pools(pool, genericPool);
    // pages and counts from a read replica within PG_READ_MAX_LAG_MS, else the primary; memberships stay on it
    LinkRepository links = new LinkRepository(() -> {
      ReadReplicas.Replica r = replicas.current();
      return r == null ? primary : new LinkRepository.Pools(r.customPlans(), r.genericPlans());
    }, config.qrCodeBaseUrl());
    ProjectDirectory projects = new ProjectDirectory(pool);
    EventBus bus = vertx.eventBus();
    LinksClient.registerCodecs(BusClient.local(bus, config.busSendTimeoutMillis()));
    return Future.all(
      bus.<LinksRequest>localConsumer(Addresses.LINKS_LIST, m ->
        BusServer.serve(m, req -> gate.run(req.projectId(),
          () -> links.list(req.projectId(), req.filter(), req.shape()))))
        .completion(),
      bus.<LinksRequest>localConsumer(Addresses.LINKS_COUNT, m ->
        BusServer.serve(m, req -> gate.run(req.projectId(), () -> links.count(req.projectId(), req.filter()))
          .map(n -> new JsonObject().put(Fields.COUNT, n)))).completion(),
      bus.<JsonObject>localConsumer(Addresses.PROJECTS_OF_USER, m ->
        BusServer.serve(m, body -> projects.projectsOf(BusServer.uuid(body, Fields.USER_ID))
          .map(list -> new JsonObject().put(Fields.PROJECTS, list)))).completion(),
      // the pickers take the project's turn like its pages: one project cannot flood the list pools with them either
      bus.<JsonObject>localConsumer(Addresses.PROJECT_TAGS, m -> BusServer.serve(m, body -> {
        UUID project = BusServer.uuid(body, Fields.PROJECT_ID);
        return gate.run(project, () -> projects.tags(project)).map(list -> new JsonObject().put(Fields.TAGS, list));
      })).completion(),
      bus.<JsonObject>localConsumer(Addresses.PROJECT_FOLDERS, m -> BusServer.serve(m, body -> {
        UUID project = BusServer.uuid(body, Fields.PROJECT_ID);
        return gate.run(project, () -> projects.folders(project))
          .map(list -> new JsonObject().put(Fields.FOLDERS, list));
      })).completion());
  }
}
