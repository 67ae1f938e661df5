package io.linkexport.mail;

import io.linkexport.retry.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender's claim loop, without Vert.x or a database: the outbox's claims are held open by the test. */
class OutboxSenderTest {

  /** An outbox whose every claim waits for the test to answer it. */
  static final class HeldOutbox extends MailOutbox {
    final List<Promise<List<MailOutbox.Claimed>>> claims = new ArrayList<>();

    HeldOutbox() {
      super(null);
    }

    @Override
    Future<List<MailOutbox.Claimed>> claim(int limit, int leaseSeconds) {
      Promise<List<MailOutbox.Claimed>> p = Promise.promise();
      claims.add(p);
      return p.future();
    }
  }

  private static OutboxSender sender(MailOutbox outbox) {
    return new OutboxSender(outbox, () -> null, null, "exports@example.com",
      new OutboxSender.Links("https://app.example.com", Duration.ofDays(7)), backoff(), 5,
      new MailTimeouts(20_000, 25_000, 60));
  }

  private static Backoff backoff() {
    return Backoff.of(Duration.ofSeconds(1), Duration.ofMinutes(1), 0);
  }

  /**
   * Verifies that a wake-up arriving while a claim is under way is not lost: that claim may have read the outbox
   * before the woken job's row committed, so the sender claims once more when it ends (and only once for any number
   * of wake-ups meanwhile).
   */
  @Test
  void aWakeUpDuringAClaimClaimsAgainWhenItEnds() {
    HeldOutbox outbox = new HeldOutbox();
    OutboxSender sender = sender(outbox);
    sender.sendDue();
    assertThat(outbox.claims).hasSize(1);
    sender.sendDue();
    sender.sendDue();
    assertThat(outbox.claims).as("no second claim while one is under way").hasSize(1);
    outbox.claims.get(0).complete(List.of());
    assertThat(outbox.claims).as("the wake-ups during the claim claim again once").hasSize(2);
    outbox.claims.get(1).complete(List.of());
    assertThat(outbox.claims).as("nothing came during the second claim").hasSize(2);
  }

  /** Verifies that a failed claim with a wake-up meanwhile still claims again (the next one may succeed). */
  @Test
  void aWakeUpDuringAFailedClaimClaimsAgain() {
    HeldOutbox outbox = new HeldOutbox();
    OutboxSender sender = sender(outbox);
    sender.sendDue();
    sender.sendDue();
    outbox.claims.get(0).fail(new IllegalStateException("connection refused"));
    assertThat(outbox.claims).hasSize(2);
    outbox.claims.get(1).fail(new IllegalStateException("connection refused"));
    assertThat(outbox.claims).as("a failed claim alone does not loop").hasSize(2);
  }
}
