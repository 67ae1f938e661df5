package io.linkexport.mail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Mailbox;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export emails through a real SMTP server that is down at first: the export still completes, the email is retried
 * with backoff and delivered exactly once when SMTP comes back; a failed export sends one email saying why.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExportMailIT {

  static int smtpPort;
  static GreenMail smtp;
  static TestApp app;
  static Fixtures db;
  static UUID project;
  static UUID user;

  @BeforeAll
  static void start() throws Exception {
    smtpPort = EmbeddedServices.freePort();
    app = TestApp.isolated(new JsonObject().put(AppConfig.SMTP_PORT, smtpPort).put(AppConfig.EXPORT_MAX_ROWS, 30));
    db = Fixtures.of(app);
    project = db.project("Mail " + UUID.randomUUID().toString().substring(0, 6), "starter");
    user = db.member(project);
    db.bulkLinks(project, 40, "mail-" + UUID.randomUUID().toString().substring(0, 6));
  }

  @AfterAll
  static void stop() {
    if (smtp != null) {
      smtp.stop();
    }
    db.close();
    app.close();
  }

  /**
   * Verifies that an SMTP outage never fails the export and the email arrives exactly once afterwards, its link
   * expiring with the file when retention deletes it sooner than 7 days after the send (here in 12 hours).
   */
  @Test
  @Order(1)
  void anSmtpOutageDelaysTheEmailButNeverTheExport() {
    String email = "ready-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
    String token = TestTokens.session(user, email);
    String jobId = Exports.start(app, project, token, new JsonObject().put("type", "dynamic"));
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("completed");

    UUID id = UUID.fromString(jobId);
    Await.until("a failed send attempt to be recorded", Duration.ofSeconds(20), () -> db.count(
      "SELECT count(*) FROM mail_outbox WHERE job_id = ? AND attempts >= 1 AND last_error IS NOT NULL"
        + " AND sent_at IS NULL", id) == 1);
    db.exec("UPDATE mail_outbox SET payload = jsonb_set(payload, '{finishedAt}', to_jsonb(to_char((now()"
      + " - interval '29 days 12 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'))) WHERE job_id = ?", id);
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();

    MimeMessage received = Mailbox.exactlyOne(smtp, db, id, email);
    String body = GreenMailUtil.getBody(received).replace("=\r\n", "").replace("=3D", "=");
    assertThat(body).contains("X-Amz-Signature=");
    long expires = Long.parseLong(body.replaceAll("(?s).*[?&;]X-Amz-Expires=(\\d+).*", "$1"));
    assertThat(expires).as("seconds the emailed link lives").isBetween(42_000L, 43_200L);
  }

  /** Verifies that a failed export sends one email with the user-facing reason. */
  @Test
  @Order(2)
  void aFailedExportSendsOneEmailSayingWhy() throws Exception {
    if (smtp == null) {
      smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
      smtp.start();
    }
    String email = "failed-" + UUID.randomUUID().toString().substring(0, 6) + "@example.com";
    String token = TestTokens.session(user, email);
    String jobId = Exports.start(app, project, token, new JsonObject().put("showArchived", true));
    JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(30));
    assertThat(job.getString("status")).isEqualTo("failed");
    MimeMessage m = Mailbox.exactlyOne(smtp, db, UUID.fromString(jobId), email);
    assertThat(m.getSubject()).isEqualTo("Your links export failed");
    assertThat(GreenMailUtil.getBody(m)).contains("over the 30-link limit");
  }
}
