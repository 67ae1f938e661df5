package io.linkexport.mail;

import io.linkexport.AppConfig;
import io.linkexport.ServiceVerticle;
import io.linkexport.db.Db;
import io.linkexport.bus.Addresses;
import io.linkexport.bus.BusClient;
import io.linkexport.retry.Backoff;
import io.linkexport.storage.StorageClient;
import io.linkexport.telemetry.Telemetry;
import io.linkexport.webhooks.TargetPolicy;
import io.linkexport.webhooks.WebhookSender;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends job emails from the outbox ({@link OutboxSender}) and webhook deliveries ({@link WebhookSender}): polls
 * every {@code MAIL_POLL_MS} and wakes on {@link Addresses#MAIL_WAKEUP}. SMTP settings come from {@code SMTP_*};
 * STARTTLS is REQUIRED unless configured otherwise (the test SMTP server has none). Refuses to start when a send
 * could outlive its outbox lease ({@link MailTimeouts}).
 */
public class MailVerticle extends ServiceVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(MailVerticle.class);

  /** How often ended webhook deliveries past retention are deleted. */
  private static final long PURGE_MS = 3_600_000L;

  private OutboxSender sender;
  private WebhookSender webhooks;

  @Override
  public Future<?> start() {
    AppConfig config = settings();
    MailTimeouts timeouts;
    try {
      timeouts = MailTimeouts.of(config);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    // The idle timeout is the SMTP response timeout: an exchange that gets no byte for it fails and its connection
    // closes. Each send gets a client of its own with one connection, closed when the send ends (OutboxSender): a
    // connection per email costs a handshake, which is nothing beside an export, and a cut send cannot live on.
    MailConfig mc = new MailConfig().setHostname(config.smtpHost()).setPort(config.smtpPort())
      .setStarttls(StartTLSOptions.valueOf(config.smtpStartTls()))
      .setConnectTimeout(config.smtpConnectTimeoutMillis())
      .setIdleTimeout(timeouts.smtpTimeoutMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
      .setKeepAlive(false).setMaxPoolSize(1);
    if (!config.smtpUsername().isEmpty()) {
      mc.setUsername(config.smtpUsername()).setPassword(config.smtpPassword());
    }
    Pool pool = pool(config, Db.Workload.MAIL, config.pgMailPoolSize());
    StorageClient storage = new StorageClient(BusClient.local(vertx.eventBus(), config.busSendTimeoutMillis()));
    Backoff retries = Backoff.of(Duration.ofMillis(config.mailRetryBaseMillis()),
      Duration.ofMillis(config.mailRetryMaxMillis()), 0.2);
    OutboxSender.Links links = new OutboxSender.Links(config.dashboardUrl(),
      Duration.ofDays(config.exportRetentionDays()));
    MailOutbox outbox = new MailOutbox(pool, Telemetry.meters(vertx));
    sender = new OutboxSender(outbox, () -> MailClient.create(vertx, mc), storage, config.mailFrom(), links, retries,
      config.mailMaxAttempts(), timeouts);
    // webhook deliveries are the other notification of a finished job: queued in the same transaction as its email,
    // woken by the same call; the client never follows a redirect and opens a connection per delivery
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setVerifyHost(true)
      .setMaxRedirects(0));
    webhooks = new WebhookSender(pool, http, TargetPolicy.of(vertx, config.webhookAllowPrivateTargets()),
      config.webhookRetrySchedule(), config.webhookTimeoutMillis(), vertx.eventBus(),
      Addresses.WEBHOOK_EVENTS, this::tick);
    int keepDays = config.exportRetentionDays();
    long purge = vertx.setPeriodic(PURGE_MS, id -> webhooks.purge(keepDays)
      .onFailure(err -> LOG.warn("webhook delivery purge failed: {}", err.getMessage())));
    closeOnStop(() -> {
      vertx.cancelTimer(purge);
      return http.close();
    });
    long poll = config.mailPollMillis();
    vertx.setPeriodic(poll, id -> tick());
    return vertx.eventBus().localConsumer(Addresses.MAIL_WAKEUP, m -> tick()).completion();
  }

  private void tick() {
    sender.sendDue().onFailure(err -> LOG.warn("mail outbox round failed: {}", err.getMessage()));
    webhooks.sendDue().onFailure(err -> LOG.warn("webhook round failed: {}", err.getMessage()));
  }
}
