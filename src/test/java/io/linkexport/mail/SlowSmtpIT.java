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
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Emails through a {@link FaultProxy} in front of the test SMTP server, which stalls the SMTP conversation of one
 * recipient after its {@code RCPT TO}: no answer, ever, on that connection. The service runs with an SMTP timeout of
 * 8 s (the default 20 s took that much more of the suite; 8 s still leaves the other job's export and email several
 * times the time they take) and an outbox lease of ten minutes, so within the test the stalled email can only come
 * back through its timeout, never through the expiry of its lease.
 */
class SlowSmtpIT {

  static FaultProxy smtpProxy;
  static TestApp app;
  static Fixtures db;
  static GreenMail smtp;

  @BeforeAll
  static void start() {
    smtp = TestServices.get().smtp();
    smtpProxy = FaultProxy.start(TestServices.get().smtpPort());
    app = TestApp.isolated(new JsonObject().put(AppConfig.SMTP_PORT, smtpProxy.port())
      .put(AppConfig.SMTP_TIMEOUT_MS, 8_000).put(AppConfig.MAIL_LEASE_SECONDS, 600)
      .put(AppConfig.MAIL_RETRY_BASE_MS, 200));
    db = Fixtures.of(app);
  }

  @AfterAll
  static void stop() {
    app.close();
    smtpProxy.close();
    db.close();
  }

  /**
   * Verifies that a stalled SMTP conversation for one job's email does not keep another job's email from being sent
   * while it hangs; that the stalled email is retried after its timeout and still reaches its recipient exactly once;
   * and that both carry the Message-ID derived from their job.
   */
  @Test
  void aStalledSmtpConversationDelaysOnlyItsOwnEmail() {
    String tag = UUID.randomUUID().toString().substring(0, 6);
    Fixtures.Tenant slow = db.tenant("Slow mail", "pro", "slow-" + tag + "@example.com");
    Fixtures.Tenant fast = db.tenant("Fast mail", "pro", "fast-" + tag + "@example.com");
    db.bulkLinks(slow.project(), 5, "slow-" + tag);
    db.bulkLinks(fast.project(), 5, "fast-" + tag);
    smtpProxy.stallConnections(1, bytes -> bytes.contains("RCPT TO:<" + slow.email() + ">"));

    UUID slowJob = UUID.fromString(Exports.start(app, slow.project(), slow.token(), new JsonObject()));
    Await.until("the slow email's SMTP conversation to stall", Duration.ofSeconds(30),
      () -> smtpProxy.connectionsStalledNow() == 1);

    UUID fastJob = UUID.fromString(Exports.start(app, fast.project(), fast.token(), new JsonObject()));
    MimeMessage fastMail = Mailbox.exactlyOne(smtp, db, fastJob, fast.email());
    // Sent while the slow email still hangs in its first send: its connection is still stalled, nothing recorded.
    assertThat(smtpProxy.connectionsStalledNow()).as("the stalled conversation is still open").isEqualTo(1);
    assertThat(db.strings("SELECT concat_ws(' ', attempts, sent_at IS NULL, last_error IS NULL) FROM mail_outbox"
      + " WHERE job_id = ?", slowJob)).as("the slow email's attempts, unsent, no error").containsExactly("1 t t");

    MimeMessage slowMail = Mailbox.exactlyOne(smtp, db, slowJob, slow.email());
    assertThat(smtpProxy.stalledConnections()).isEqualTo(1);
    assertThat(db.strings("SELECT concat_ws(' ', attempts, last_error IS NULL) FROM mail_outbox WHERE job_id = ?",
      slowJob)).as("sent by its second attempt, after a timeout").containsExactly("2 t");
    assertThat(messageId(slowMail)).isEqualTo("<export-" + slowJob + "@link-export.test>");
    assertThat(messageId(fastMail)).isEqualTo("<export-" + fastJob + "@link-export.test>");
  }

  private static String messageId(MimeMessage m) {
    try {
      return m.getMessageID();
    } catch (jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
