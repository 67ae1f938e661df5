package io.linkexport.export;

import io.linkexport.db.SqlStatements;
import io.linkexport.telemetry.ServiceMeters;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the job queue and the mail outbox into the metrics' gauges ({@code METRICS_SAMPLE_MS}): one short
 * statement, so that a scrape never waits for Postgres. Every node samples the same tables (a gauge, not a count
 * per node): aggregate them with {@code max}. A sample that fails keeps the last values.
 */
final class QueueSampler {

  private static final Logger LOG = LoggerFactory.getLogger(QueueSampler.class);

  private final Pool pool;
  private final ServiceMeters meters;
  private boolean running;

  QueueSampler(Pool pool, ServiceMeters meters) {
    this.pool = pool;
    this.meters = meters;
  }

  void sample() {
    if (running) {
      return; // a slow database: never stack samples
    }
    running = true;
    pool.query(SqlStatements.get("metrics_queue")).execute()
      .onSuccess(rows -> {
        Row r = rows.iterator().next();
        meters.queueSampled(r.getLong("pending_jobs"), r.getLong("oldest_pending_seconds"), r.getLong("unsent_emails"));
      })
      .onFailure(err -> LOG.debug("queue sample failed: {}", err.getMessage()))
      .onComplete(ar -> running = false);
  }
}
