package io.linkexport.mail;

import io.linkexport.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The time limits of an email against the outbox lease, without Vert.x. */
class MailTimeoutsTest {

  /** Verifies that the defaults bound a send (link 5 s + SMTP 20 s) well under half of the 60 s lease. */
  @Test
  void theDefaultsFitTheLease() {
    MailTimeouts t = MailTimeouts.of(AppConfig.from(new JsonObject()));
    assertThat(t.smtpTimeoutMillis()).isEqualTo(20_000);
    assertThat(t.sendBoundMillis()).isEqualTo(25_000);
    assertThat(t.leaseSeconds()).isEqualTo(60);
  }

  /** Verifies that the service refuses a send bound of half the lease or more, naming the keys to change. */
  @Test
  void aSendBoundOfHalfTheLeaseOrMoreIsRefused() {
    AppConfig config = AppConfig.from(new JsonObject().put(AppConfig.SMTP_TIMEOUT_MS, 25_000));
    assertThatThrownBy(() -> MailTimeouts.of(config))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("SMTP_TIMEOUT_MS").hasMessageContaining("MAIL_LEASE_SECONDS")
      .hasMessageContaining("30000 ms");
    assertThat(MailTimeouts.of(config.with(AppConfig.MAIL_LEASE_SECONDS, 61)).sendBoundMillis()).isEqualTo(30_000);
  }
}
