package io.linkexport.mail;

import io.linkexport.AppConfig;
import io.linkexport.bus.Addresses;
import io.linkexport.db.Db;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends job emails from the outbox: polls every {@code MAIL_POLL_MS} (default 1000) and wakes on
 * {@link Addresses#MAIL_WAKEUP}. SMTP settings come from {@code SMTP_*}; STARTTLS is REQUIRED unless configured
 * otherwise (the test SMTP server has none).
 */
public class MailVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MailVerticle.class);
  public static final String MAIL_POLL_MS = AppConfig.MAIL_POLL_MS;

  private Pool pool;
  private MailClient mail;
  private OutboxSender sender;

  @Override
  public Future<?> start() {
    AppConfig config = AppConfig.from(config());
    MailConfig mc = new MailConfig().setHostname(config.smtpHost()).setPort(config.smtpPort())
      .setStarttls(StartTLSOptions.valueOf(config.smtpStartTls()))
      .setConnectTimeout(10_000).setKeepAlive(true).setMaxPoolSize(2);
    if (!config.smtpUsername().isEmpty()) {
      mc.setUsername(config.smtpUsername()).setPassword(config.smtpPassword());
    }
    pool = Db.pool(vertx, config, 2);
    mail = MailClient.create(vertx, mc);
    sender = new OutboxSender(vertx, pool, mail, config.mailFrom(), config.dashboardUrl());
    long poll = config.mailPollMillis();
    vertx.setPeriodic(poll, id -> tick());
    return vertx.eventBus().localConsumer(Addresses.MAIL_WAKEUP, m -> tick()).completion();
  }

  private void tick() {
    sender.sendDue().onFailure(err -> LOG.warn("mail outbox round failed: {}", err.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return mail.close().eventually(pool::close);
  }
}
