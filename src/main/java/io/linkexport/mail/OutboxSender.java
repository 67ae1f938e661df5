package io.linkexport.mail;

import io.linkexport.bus.Addresses;
import io.linkexport.db.SqlStatements;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
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
 * is exactly one per job; rows are claimed with a lease, sent, and marked sent. A failure is retried with
 * exponential backoff (5 s doubling, at most 10 min between tries) and given up after {@link #MAX_ATTEMPTS}.
 * The download link is minted at send time by the storage-signing verticle (valid 7 days from then).
 */
public final class OutboxSender {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);
  static final int MAX_ATTEMPTS = 20;
  private static final int BATCH = 10;

  private final Vertx vertx;
  private final Pool pool;
  private final MailClient mail;
  private final String from;
  private final String dashboardUrl;
  private boolean running;

  public OutboxSender(Vertx vertx, Pool pool, MailClient mail, String from, String dashboardUrl) {
    this.vertx = vertx;
    this.pool = pool;
    this.mail = mail;
    this.from = from;
    this.dashboardUrl = dashboardUrl;
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
      ? downloadUrl(payload).map(url -> ExportMail.ready(payload, url, dashboardUrl))
      : Future.succeededFuture(ExportMail.failed(payload, dashboardUrl));
    return rendered
      .compose(m -> mail.sendMail(new MailMessage().setFrom(from).setTo(to).setSubject(m.subject())
        .setText(m.text()).setHtml(m.html())))
      .compose(res -> pool.preparedQuery(SqlStatements.get("outbox_sent")).execute(Tuple.of(id)))
      .map(v -> {
        LOG.info("sent {} email for job {} (attempt {})", kind, payload.getString("jobId"), attempts);
        return true;
      })
      .recover(err -> {
        LOG.warn("{} email for job {} failed (attempt {}): {}", kind, payload.getString("jobId"), attempts,
          err.getMessage());
        return failed(id, attempts, String.valueOf(err.getMessage()), attempts >= MAX_ATTEMPTS).map(false);
      });
  }

  private Future<String> downloadUrl(JsonObject payload) {
    JsonObject req = new JsonObject().put("key", payload.getString("objectKey"))
      .put("filename", payload.getString("filename")).put("expiresSeconds", 604_800);
    return vertx.eventBus().<JsonObject>request(Addresses.STORAGE_PRESIGN, req,
        new DeliveryOptions().setSendTimeout(5_000).setLocalOnly(true))
      .map(Message::body).map(b -> b.getString("url"));
  }

  private Future<Void> failed(long id, int attempts, String error, boolean giveUp) {
    Double delay = giveUp ? null : backoffSeconds(attempts);
    if (giveUp) {
      LOG.error("giving up on mail {} after {} attempts: {}", id, attempts, error);
    }
    return pool.preparedQuery(SqlStatements.get("outbox_failed"))
      .execute(Tuple.of(id, delay, error.length() > 500 ? error.substring(0, 500) : error)).mapEmpty();
  }

  static double backoffSeconds(int attempts) {
    return Math.min(600, 5 * Math.pow(2, Math.max(0, attempts - 1)));
  }
}
