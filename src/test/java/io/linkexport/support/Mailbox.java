package io.linkexport.support;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The emails a GreenMail server received, by recipient, and the proof that a job's email went out exactly once. */
public final class Mailbox {

  private Mailbox() {
  }

  /** Every message addressed to exactly {@code address}. */
  public static List<MimeMessage> to(GreenMail smtp, String address) {
    return Arrays.stream(smtp.getReceivedMessages()).filter(m -> addressedTo(m, address)).toList();
  }

  /**
   * The job's one email (a job that is not a schedule's run has one recipient). Exactly once, without waiting for time
   * to pass: the outbox holds one row per job and recipient (unique on {@code (job_id, recipient)}); a row is claimed only while unsent (and again only once its lease, {@code MAIL_LEASE_SECONDS},
   * 60 s in tests, ran out, which no test reaches), and marked sent only after the SMTP server accepted the message. So once the row is marked sent, no
   * further message for the job can come, and the server holds every message that was sent for it.
   */
  public static MimeMessage exactlyOne(GreenMail smtp, Fixtures db, UUID jobId, String address) {
    Await.until("the email of job " + jobId + " to be sent", Duration.ofSeconds(60), () ->
      db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ? AND sent_at IS NOT NULL", jobId) == 1);
    assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ?", jobId)).as("outbox rows").isEqualTo(1);
    List<MimeMessage> received = to(smtp, address);
    assertThat(received).as("emails to " + address).hasSize(1);
    return received.get(0);
  }

  private static boolean addressedTo(MimeMessage m, String address) {
    try {
      Address[] to = m.getAllRecipients();
      return to != null && Arrays.stream(to).anyMatch(a -> a.toString().equals(address));
    } catch (MessagingException e) {
      return false;
    }
  }
}
