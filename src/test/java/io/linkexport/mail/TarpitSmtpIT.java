package io.linkexport.mail;

import com.icegreen.greenmail.util.GreenMail;
import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Mailbox;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Emails through a {@link FaultProxy} that trickles the SMTP server's answers on one connection, each 3 s after the
 * last: the conversation never goes quiet for the 5 s SMTP timeout, yet reaches {@code RCPT TO} only after the whole
 * send's bound (5 s bus timeout + 5 s) and its {@code DATA} prompt 5 s later. The lease is ten minutes, so only the
 * bound can end the first send.
 */
class TarpitSmtpIT {

  static FaultProxy smtpProxy;
  static TestApp app;
  static Fixtures db;
  static GreenMail smtp;

  @BeforeAll
  static void start() {
    smtp = TestServices.get().smtp();
    smtpProxy = FaultProxy.start(TestServices.get().smtpPort());
    app = TestApp.isolated(new JsonObject().put(AppConfig.SMTP_PORT, smtpProxy.port())
      .put(AppConfig.SMTP_TIMEOUT_MS, 5000).put(AppConfig.BUS_SEND_TIMEOUT_MS, 5000)
      .put(AppConfig.MAIL_LEASE_SECONDS, 600).put(AppConfig.MAIL_RETRY_BASE_MS, 200));
    db = Fixtures.of(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    smtpProxy.close();
    db.close();
  }

  /**
   * Verifies that a send cut off by its bound while the server still trickles answers is torn down with its
   * connection, so the cut conversation never delivers: the email reaches its recipient exactly once, from the retry.
   */
  @Test
  void aSendCutOffByItsBoundNeverDeliversBesideItsRetry() {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    Fixtures.Tenant t = db.tenant("Tarpit mail", "pro", "tarpit-" + tag + "@example.com");
    db.bulkLinks(t.project(), 5, "tarpit-" + tag);
    smtpProxy.trickleNext(1, 3000);

    UUID job = UUID.fromString(Exports.start(app, t.project(), t.token(), new JsonObject()));
    Await.until("the email to be sent by a retry", Duration.ofSeconds(60), () ->
      db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ? AND sent_at IS NOT NULL", job) == 1);
    assertThat(db.strings("SELECT attempts::text FROM mail_outbox WHERE job_id = ?", job))
      .as("sent by the second attempt, after the first was cut").containsExactly("2");
    // The cut conversation, had it lived on, would deliver a copy when its DATA prompt arrives (15 s in), then stay
    // open; torn down, its connection is already closed.
    Await.until("the trickled conversation to end, or a copy to arrive", Duration.ofSeconds(30), () ->
      smtpProxy.trickledOpen() == 0 || Mailbox.to(smtp, t.email()).size() > 1);
    assertThat(Mailbox.to(smtp, t.email())).as("emails to " + t.email()).hasSize(1);
    assertThat(smtpProxy.trickledOpen()).as("trickled connections still open").isZero();
  }
}
