package io.linkexport.telemetry;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;

import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * Creates Vert.x instances whose meters (Vert.x's own HTTP server and client, pools and event bus, with
 * vertx-micrometer-metrics, plus the JVM's and the {@link ServiceMeters}) go to a Prometheus registry of their own:
 * several instances in one JVM (tests, the dev stack) never mix their numbers. HTTP requests are labelled by route
 * template, never by raw path (which carries project and job ids).
 */
public final class Telemetry {

  private static final Map<Vertx, ServiceMeters> METERS = Collections.synchronizedMap(new WeakHashMap<>());

  private Telemetry() {
  }

  /** A Vert.x builder with {@code options}, instrumented when {@code enabled}. */
  public static Instrumented builder(VertxOptions options, boolean enabled) {
    if (!enabled) {
      return new Instrumented(Vertx.builder().with(options), null);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
      .setRegistryName("link-export-" + UUID.randomUUID())
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
      .addLabels(Label.HTTP_ROUTE);
    VertxBuilder builder = Vertx.builder().with(new VertxOptions(options).setMetricsOptions(metrics))
      .withMetrics(new MicrometerMetricsFactory(registry));
    return new Instrumented(builder, registry);
  }

  /** A plain Vert.x instance, instrumented when {@code enabled}. */
  public static Vertx vertx(boolean enabled) {
    return builder(new VertxOptions(), enabled).build();
  }

  /** The service's meters of {@code vertx} ({@link ServiceMeters#NOOP} when it is not instrumented). */
  public static ServiceMeters meters(Vertx vertx) {
    return METERS.getOrDefault(vertx, ServiceMeters.NOOP);
  }

  /** The Prometheus registry of {@code vertx}, or null when it is not instrumented. */
  public static PrometheusMeterRegistry prometheus(Vertx vertx) {
    ServiceMeters m = meters(vertx);
    return m.registry() instanceof PrometheusMeterRegistry p ? p : null;
  }

  /** A builder and the registry its instance reports to (null when not instrumented). */
  public record Instrumented(VertxBuilder builder, PrometheusMeterRegistry registry) {
    public Vertx build() {
      return attach(builder.build());
    }

    public Future<Vertx> buildClustered() {
      return builder.buildClustered().map(this::attach);
    }

    private Vertx attach(Vertx vertx) {
      if (registry != null) {
        METERS.put(vertx, new ServiceMeters(registry));
      }
      return vertx;
    }
  }
}
