package io.linkexport.mail;

import io.linkexport.bus.Fields;
import io.linkexport.db.SqlStatements;
import io.linkexport.retry.Backoff;
import io.linkexport.storage.StorageClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends the job emails queued in {@code mail_outbox}. The row was written in the job's final transaction, so there
 * is exactly one per job; rows are claimed with a lease, sent, and marked sent. A failure is retried after a
 * {@link Backoff} delay ({@code MAIL_RETRY_BASE_MS} doubling, at most {@code MAIL_RETRY_MAX_MS}) and given up after
 * {@code MAIL_MAX_ATTEMPTS}. The download link is minted at send time by the storage-signing verticle (valid 7 days
 * from then).
 */
public final class OutboxSender {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
  private static final int BATCH = 10;

  private final Pool pool;
  private final MailClient mail;
  private final StorageClient storage;
  private final String from;
  private final String dashboardUrl;
  private final Backoff backoff;
  private final int maxAttempts;
  private boolean running;

  public OutboxSender(Pool pool, MailClient mail, StorageClient storage, String from, String dashboardUrl,
                      Backoff backoff, int maxAttempts) {
    this.pool = pool;
    this.mail = mail;
    this.storage = storage;
    this.from = from;
    this.dashboardUrl = dashboardUrl;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
  }

  /** Sends what is due; a call while a round is running is a no-op (the running round loops while it finds work). */
  public Future<Integer> sendDue() {
    if (running) {
      return Future.succeededFuture(0);
    }
    running = true;
    return round(0).eventually(() -> {
      running = false;
      return Future.succeededFuture();
    });
  }

  private Future<Integer> round(int sentSoFar) {
    return pool.preparedQuery(SqlStatements.get("outbox_claim")).execute(Tuple.of(BATCH)).compose(rows -> {
      List<Future<Boolean>> sends = new ArrayList<>();
      rows.forEach(r -> sends.add(send(r)));
      if (sends.isEmpty()) {
        return Future.succeededFuture(sentSoFar);
      }
      return Future.join(sends).transform(ar -> {
        int sent = sentSoFar + (int) sends.stream().filter(f -> f.succeeded() && f.result()).count();
        return sends.size() == BATCH ? round(sent) : Future.succeededFuture(sent);
      });
    });
  }

  private Future<Boolean> send(Row r) {
    long id = r.getLong("id");
    String kind = r.getString("kind");
    String to = r.getString("recipient");
    int attempts = r.getInteger("attempts");
    JsonObject payload = r.getJsonObject("payload");
    if (!ExportMail.plausibleAddress(to)) {
      LOG.error("mail {} for job {} has an unusable recipient; not sending", id, r.getUUID("job_id"));
      return failed(id, attempts, "unusable recipient address", true).map(false);
    }
    Future<ExportMail.Rendered> rendered = "export_ready".equals(kind)
      ? storage.presignDownload(payload.getString("objectKey"), payload.getString("filename"))
        .map(link -> ExportMail.ready(payload, link.url(), dashboardUrl))
      : Future.succeededFuture(ExportMail.failed(payload, dashboardUrl));
    return rendered
      .compose(m -> mail.sendMail(new MailMessage().setFrom(from).setTo(to).setSubject(m.subject())
        .setText(m.text()).setHtml(m.html())))
      .compose(res -> pool.preparedQuery(SqlStatements.get("outbox_sent")).execute(Tuple.of(id)))
      .map(v -> {
        LOG.info("sent {} email for job {} (attempt {})", kind, payload.getString(Fields.JOB_ID), attempts);
        return true;
      })
      .recover(err -> {
        LOG.warn("{} email for job {} failed (attempt {}): {}", kind, payload.getString(Fields.JOB_ID), attempts,
          err.getMessage());
        return failed(id, attempts, String.valueOf(err.getMessage()), attempts >= maxAttempts).map(false);
      });
  }

  private Future<Void> failed(long id, int attempts, String error, boolean giveUp) {
    Double delay = giveUp ? null : backoff.delaySeconds(attempts);
    if (giveUp) {
      LOG.error("giving up on mail {} after {} attempts: {}", id, attempts, error);
    }
    return pool.preparedQuery(SqlStatements.get("outbox_failed"))
      .execute(Tuple.of(id, delay, error.length() > 500 ? error.substring(0, 500) : error)).mapEmpty();
  }
}
