package io.linkexport.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The service's own meters, named by Prometheus conventions (Micrometer's {@code linkexport.exports.started} is
 * exposed as {@code linkexport_exports_started_total}; units in names; durations in seconds). Label values are
 * bounded sets (an error code, a sort, an outcome), never a project, user or job id: each value is a time series.
 * Without metrics ({@code METRICS_ENABLED=false}) every meter is a no-op.
 */
public final class ServiceMeters {

  /** Meters that record nothing. */
  public static final ServiceMeters NOOP = new ServiceMeters(new CompositeMeterRegistry());

  private static final Duration[] LIST_BUCKETS = buckets(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000);
  private static final Duration[] EXPORT_BUCKETS = buckets(1_000, 5_000, 15_000, 30_000, 60_000, 120_000, 300_000,
    600_000, 1_800_000, 3_600_000);

  private final MeterRegistry registry;
  private final Counter started;
  private final Counter completed;
  private final Counter rows;
  private final Counter bytes;
  private final Counter attempts;
  private final Counter rescues;
  private final Counter mailFailures;
  private final Counter jwksRefreshes;
  private final Counter jwksFailures;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong oldestPendingSeconds = new AtomicLong();
  private final AtomicLong outboxBacklog = new AtomicLong();
  private final Map<String, Timer> listTimers = new ConcurrentHashMap<>();

  ServiceMeters(MeterRegistry registry) {
    this.registry = registry;
    started = Counter.builder("linkexport.exports.started").description("Export jobs created").register(registry);
    completed = Counter.builder("linkexport.exports.completed").description("Exports completed").register(registry);
    rows = Counter.builder("linkexport.export.rows").description("Rows written by completed exports")
      .register(registry);
    bytes = Counter.builder("linkexport.export.bytes").baseUnit("bytes")
      .description("CSV bytes written by completed exports").register(registry);
    attempts = Counter.builder("linkexport.export.attempts").description("Export attempts started (claims run)")
      .register(registry);
    rescues = Counter.builder("linkexport.export.rescues")
      .description("Claims of a job whose worker's lease had expired (a dead or frozen worker)").register(registry);
    mailFailures = Counter.builder("linkexport.mail.send.failures").description("Failed email sends")
      .register(registry);
    jwksRefreshes = Counter.builder("linkexport.jwks.refreshes").description("JWKS fetches").register(registry);
    jwksFailures = Counter.builder("linkexport.jwks.refresh.failures").description("JWKS fetches that failed")
      .register(registry);
    Gauge.builder("linkexport.export.jobs.pending", pending, AtomicLong::get)
      .description("Export jobs waiting for a worker (queue depth), at the last sample").register(registry);
    Gauge.builder("linkexport.export.oldest.pending.age", oldestPendingSeconds, AtomicLong::get).baseUnit("seconds")
      .description("Age of the oldest job waiting for a worker, at the last sample").register(registry);
    Gauge.builder("linkexport.mail.outbox.backlog", outboxBacklog, AtomicLong::get)
      .description("Emails queued and not yet sent, at the last sample").register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void exportStarted() {
    started.increment();
  }

  /** A completed export: its rows, bytes and time from its creation to its completion. */
  public void exportCompleted(long rowCount, long byteCount, Duration sinceCreated) {
    completed.increment();
    rows.increment(rowCount);
    bytes.increment(byteCount);
    exportDuration("completed").record(sinceCreated);
  }

  /** An export that failed for good; {@code reason} is its error code (a bounded set). */
  public void exportFailed(String reason, Duration sinceCreated) {
    Counter.builder("linkexport.exports.failed").description("Exports failed for good, by error code")
      .tag("reason", reason == null ? "UNKNOWN" : reason).register(registry).increment();
    if (sinceCreated != null) {
      exportDuration("failed").record(sinceCreated);
    }
  }

  private Timer exportDuration(String outcome) {
    return Timer.builder("linkexport.export.duration").description("Export jobs from creation to their end")
      .tag("outcome", outcome).serviceLevelObjectives(EXPORT_BUCKETS).register(registry);
  }

  /** An attempt begins; {@code rescued} when its job was taken from a worker whose lease had expired. */
  public void attemptStarted(boolean rescued) {
    attempts.increment();
    if (rescued) {
      rescues.increment();
    }
  }

  public void mailSendFailed() {
    mailFailures.increment();
  }

  public void jwksRefreshed(boolean ok) {
    jwksRefreshes.increment();
    if (!ok) {
      jwksFailures.increment();
    }
  }

  /** The job queue and outbox, as sampled from Postgres. */
  public void queueSampled(long pendingJobs, long oldestPendingAgeSeconds, long unsentEmails) {
    pending.set(pendingJobs);
    oldestPendingSeconds.set(oldestPendingAgeSeconds);
    outboxBacklog.set(unsentEmails);
  }

  /** One list or count request ({@code endpoint}) of a sort, from the handler to the response. */
  public void listRequest(String endpoint, String sort, long nanos) {
    listTimers.computeIfAbsent(endpoint + "|" + sort, k -> Timer.builder("linkexport.list.request.duration")
      .description("List and count requests, from the handler to the answer").tag("endpoint", endpoint)
      .tag("sort", sort).serviceLevelObjectives(LIST_BUCKETS).register(registry))
      .record(nanos, TimeUnit.NANOSECONDS);
  }

  private static Duration[] buckets(long... millis) {
    Duration[] out = new Duration[millis.length];
    for (int i = 0; i < millis.length; i++) {
      out[i] = Duration.ofMillis(millis[i]);
    }
    return out;
  }
}
