package io.linkexport.mail;

import io.linkexport.db.SqlStatements;
import io.linkexport.telemetry.ServiceMeters;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code mail_outbox} table, one row per job email. A claim leases rows and increments their {@code attempts},
 * which is the claim's fencing token: marking a row sent or failed applies only while the row is unsent and its
 * {@code attempts} is still the claim's. A sender whose lease ran out (a send slower than the lease, a paused node)
 * and whose row was claimed again by another sender can then neither mark it sent nor schedule its retry.
 *
 * <p>Not final: {@code OutboxSenderTest} holds a claim open, a timing no real database gives on demand.
 */
class MailOutbox {

  /** A claimed email; {@code attempts} is the claim's fencing token. */
  record Claimed(long id, UUID jobId, String kind, String recipient, JsonObject payload, int attempts) {
  }

  private final Pool pool;
  private final ServiceMeters meters;

  MailOutbox(Pool pool) {
    this(pool, ServiceMeters.NOOP);
  }

  /** {@code meters} count every failed send ({@code linkexport_mail_send_failures_total}). */
  MailOutbox(Pool pool, ServiceMeters meters) {
    this.pool = pool;
    this.meters = meters;
  }

  /** Claims at most {@code limit} due emails for {@code leaseSeconds}. */
  Future<List<Claimed>> claim(int limit, int leaseSeconds) {
    return pool.preparedQuery(SqlStatements.get("outbox_claim")).execute(Tuple.of(limit, leaseSeconds)).map(rows -> {
      List<Claimed> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Claimed(r.getLong("id"), r.getUUID("job_id"), r.getString("kind"),
        r.getString("recipient"), r.getJsonObject("payload"), r.getInteger("attempts"))));
      return out;
    });
  }

  /** Marks the email sent; false when the claim no longer holds (another sender claimed it since, or it was sent). */
  Future<Boolean> sent(Claimed email) {
    return pool.preparedQuery(SqlStatements.get("outbox_sent")).execute(Tuple.of(email.id(), email.attempts()))
      .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Records a failed send: retried after {@code delaySeconds}, or never when it is null. False when the claim no
   * longer holds.
   */
  Future<Boolean> failed(Claimed email, Double delaySeconds, String error) {
    meters.mailSendFailed();
    String shortError = error.length() > 500 ? error.substring(0, 500) : error;
    return pool.preparedQuery(SqlStatements.get("outbox_failed"))
      .execute(Tuple.of(email.id(), email.attempts(), delaySeconds, shortError))
      .map(rows -> rows.rowCount() == 1);
  }
}
