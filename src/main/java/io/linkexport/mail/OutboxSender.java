package io.linkexport.mail;

import io.linkexport.db.OutboxSlots;
import io.linkexport.retry.Backoff;
import io.linkexport.storage.S3Signer;
import io.linkexport.storage.StorageClient;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.impl.MailClientImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends the job emails queued in {@code mail_outbox} ({@link MailOutbox}). The row was written in the job's final
 * transaction, so there is exactly one per job; rows are claimed with a lease ({@code MAIL_LEASE_SECONDS}), sent, and
 * marked sent, every write fenced by the claim. Each send runs on its own, bounded by {@link MailTimeouts}: up to
 * {@link #SENDS_IN_FLIGHT} at once, and a slot that frees up claims the next due email at once, so one hung SMTP
 * conversation never holds the others back. A failure is retried after a {@link Backoff} delay
 * ({@code MAIL_RETRY_BASE_MS} doubling, at most {@code MAIL_RETRY_MAX_MS}) and given up after
 * {@code MAIL_MAX_ATTEMPTS}. The download link is minted at send time by the storage-signing verticle (valid 7 days
 * from then). Every message carries the Message-ID derived from its job ({@link ExportMail#messageId}), so a send
 * repeated after a timeout can be recognised by the receiving side. Runs on one context.
 */
public final class OutboxSender {

  /** Emails being sent at once per node; also bounds the outbox rows this node holds leased. */
  public static final int SENDS_IN_FLIGHT = 4;

  private static final Logger LOG = LoggerFactory.getLogger(OutboxSender.class);

  private final MailOutbox outbox;
  private final Supplier<MailClient> clients;
  private final StorageClient storage;
  private final String from;
  private final Links links;
  private final Backoff backoff;
  private final int maxAttempts;
  private final MailTimeouts timeouts;
  private final OutboxSlots<MailOutbox.Claimed> slots;

  /** Where an email's links lead: the dashboard, and how long export files are kept (a link must not outlive one). */
  record Links(String dashboardUrl, Duration retention) {
  }

  OutboxSender(MailOutbox outbox, Supplier<MailClient> clients, StorageClient storage, String from, Links links,
               Backoff backoff, int maxAttempts, MailTimeouts timeouts) {
    this.outbox = outbox;
    this.clients = clients;
    this.storage = storage;
    this.from = from;
    this.links = links;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.timeouts = timeouts;
    this.slots = new OutboxSlots<>("mail outbox", SENDS_IN_FLIGHT, n -> outbox.claim(n, timeouts.leaseSeconds()),
      this::send);
  }

  /**
   * Claims due emails for the free send slots and starts sending them; answers how many it claimed
   * ({@link OutboxSlots}: a wake-up during a claim claims again once it ends).
   */
  public Future<Integer> sendDue() {
    return slots.run();
  }

  /**
   * The download link lives 7 days from the send, or until retention deletes the file if that comes sooner (rows
   * queued before {@code finishedAt} was in the payload get the 7 days). A file already gone fails the send for good.
   */
  private Duration linkTtl(MailOutbox.Claimed email) {
    String finished = email.payload().getString("finishedAt");
    if (finished == null) {
      return StorageClient.DOWNLOAD_TTL;
    }
    Duration ttl = StorageClient.downloadTtl(Instant.parse(finished).plus(links.retention()), Instant.now());
    if (ttl.getSeconds() < 1) {
      throw new IllegalStateException("the export expired before its email could be sent");
    }
    return ttl;
  }

  /** Sends one email and records how it went; never fails. */
  private Future<Void> send(MailOutbox.Claimed email) {
    if (!ExportMail.plausibleAddress(email.recipient())) {
      LOG.error("mail {} for job {} has an unusable recipient; not sending", email.id(), email.jobId());
      return failed(email, "unusable recipient address", true);
    }
    return deliver(email).transform(ar -> ar.succeeded() ? markSent(email)
      : failed(email, String.valueOf(ar.cause().getMessage()), email.attempts() >= maxAttempts));
  }

  /**
   * The link (for a ready export of one file; a split export's email links the dashboard) and the SMTP conversation,
   * cut after the send bound. Each send has a client (and connection) of its own, closed when the send ends; a
   * conversation cut by the bound while its server still trickles answers (a tarpit never goes quiet for the idle
   * timeout) is torn down with it, so it cannot deliver the email after the row was released for a retry.
   */
  private Future<Void> deliver(MailOutbox.Claimed email) {
    JsonObject payload = email.payload();
    Future<ExportMail.Rendered> rendered;
    if ("webhook_disabled".equals(email.kind())) {
      rendered = Future.succeededFuture(ExportMail.webhookDisabled(payload, links.dashboardUrl()));
    } else if (!"export_ready".equals(email.kind())) {
      rendered = Future.succeededFuture(ExportMail.failed(payload, links.dashboardUrl()));
    } else if (ExportMail.split(payload)) {
      rendered = Future.succeededFuture(email).map(e -> linkTtl(e))
        .map(ttl -> ExportMail.readySplit(payload, links.dashboardUrl()));
    } else {
      rendered = Future.succeededFuture(email).compose(e -> storage.presign(payload.getString("objectKey"),
          payload.getString("filename"), payload.getString("contentType", S3Signer.DEFAULT_CONTENT_TYPE), linkTtl(e)))
        .map(link -> ExportMail.ready(payload, link.url(), links.dashboardUrl()));
    }
    long bound = timeouts.sendBoundMillis();
    MailClient mail = clients.get();
    String messageId = email.jobId() != null ? ExportMail.messageId(email.jobId(), from)
      : ExportMail.messageId("mail-" + email.id(), from);
    return rendered
      .compose(m -> mail.sendMail(new MailMessage().setFrom(from).setTo(email.recipient()).setSubject(m.subject())
        .setText(m.text()).setHtml(m.html()).addHeader("Message-ID", messageId)))
      .<Void>mapEmpty()
      .timeout(bound, TimeUnit.MILLISECONDS)
      .recover(err -> Future.failedFuture(err instanceof TimeoutException
        ? new TimeoutException("the send did not finish within " + bound + " ms") : err))
      // Torn down before the outcome is recorded: by then a cut conversation's socket is closed.
      .eventually(() -> tearDown(mail).recover(err -> Future.succeededFuture()));
  }

  /**
   * Closes a send's client and its socket at once. {@code MailClient.close()} waits for a send under way to end, so
   * a cut conversation would go on; closing the client's NetClient (vertx-mail-client 5 implementation API, kept
   * honest by {@code TarpitSmtpIT}) closes its socket now.
   */
  private static Future<Void> tearDown(MailClient mail) {
    if (mail instanceof MailClientImpl impl) {
      return impl.getConnectionPool().netClient().close().eventually(mail::close);
    }
    return mail.close();
  }

  private Future<Void> markSent(MailOutbox.Claimed email) {
    return outbox.sent(email).<Void>map(marked -> {
      if (marked) {
        LOG.info("sent {} email for job {} (attempt {})", email.kind(), email.jobId(), email.attempts());
      } else {
        LOG.warn("sent {} email for job {} (attempt {}) after its lease ran out and another sender claimed it; the"
          + " copy carries the same Message-ID", email.kind(), email.jobId(), email.attempts());
      }
      return null;
    }).recover(err -> {
      LOG.error("sent {} email for job {} but could not mark it sent (it is sent again after the lease): {}",
        email.kind(), email.jobId(), err.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> failed(MailOutbox.Claimed email, String error, boolean giveUp) {
    if (giveUp) {
      LOG.error("giving up on mail {} for job {} after {} attempts: {}", email.id(), email.jobId(), email.attempts(),
        error);
    } else {
      LOG.warn("{} email for job {} failed (attempt {}): {}", email.kind(), email.jobId(), email.attempts(), error);
    }
    Double delay = giveUp ? null : backoff.delaySeconds(email.attempts());
    return outbox.failed(email, delay, error).<Void>map(recorded -> {
      if (!recorded) {
        LOG.info("mail {} for job {} was claimed by another sender meanwhile; its failure is not recorded", email.id(),
          email.jobId());
      }
      return null;
    }).recover(err -> {
      LOG.error("could not record the failure of mail {} (it is retried after the lease): {}", email.id(),
        err.getMessage());
      return Future.succeededFuture();
    });
  }
}
