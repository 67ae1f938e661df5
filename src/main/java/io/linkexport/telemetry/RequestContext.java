package io.linkexport.telemetry;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.core.internal.VertxBootstrap;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The request id of the HTTP request being served, kept in the Vert.x context rather than in a thread: an event loop
 * serves many requests at once, so a thread-local MDC would carry one request's id into another's log lines. Vert.x
 * runs each request, and each event-bus message it sends, on a duplicated context of its own, and every callback of
 * that request (a database reply, a bus reply) runs on it: a {@link ContextLocal} on that context follows the request
 * through every hop. The bus carries it to the consumer as a header ({@link #HEADER}); {@link RequestIdMdc} copies it
 * into logback's MDC at each log call. Registered as a Vert.x service provider, as {@link ContextLocal} requires.
 */
public final class RequestContext implements VertxServiceProvider {

  /** The HTTP header and event-bus header that carry the id. */
  public static final String HEADER = "X-Request-Id";
  /** The MDC key of the id in log lines. */
  public static final String MDC_KEY = "requestId";
  /** What the service accepts from a proxy: short, printable, nothing that could forge a log line. */
  private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:@/+=-]{1,128}");

  static final ContextLocal<Info> LOCAL = ContextLocal.registerLocal(Info.class);

  /** The id and, once routed, the route template of one request. */
  public static final class Info {
    private final String id;
    private volatile String route;

    Info(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }

    public String route() {
      return route;
    }
  }

  @Override
  public void init(VertxBootstrap builder) {
    // nothing to set up: loading this class registered the context local before the Vert.x instance captured them
  }

  /** The id a proxy sent when it is acceptable, else a new one. */
  public static String accept(String fromProxy) {
    return fromProxy != null && ACCEPTED.matcher(fromProxy).matches() ? fromProxy : UUID.randomUUID().toString();
  }

  /** Binds {@code id} to the current context (a request's or a message's); no-op outside Vert.x. */
  public static Info bind(String id) {
    Context ctx = Vertx.currentContext();
    Info info = new Info(id);
    if (ctx != null) {
      ctx.putLocal(LOCAL, info);
    }
    return info;
  }

  /** The current request's id, or null outside a request. */
  public static String currentId() {
    Info info = current();
    return info == null ? null : info.id;
  }

  /** Records the route template that serves the current request (for the access log). */
  public static void route(String template) {
    Info info = current();
    if (info != null && info.route == null) {
      info.route = template;
    }
  }

  public static Info current() {
    Context ctx = Vertx.currentContext();
    return ctx == null ? null : ctx.getLocal(LOCAL);
  }
}
