package io.linkexport.webhooks;

import io.linkexport.support.WebhookReceiver;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The signature matches the Standard Webhooks specification's published vector and the test receiver's own code. */
class WebhookSecretTest {

  @Test
  void signsTheSpecificationsTestVector() {
    assertThat(WebhookSecret.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330L, "{\"test\": 2432232314}")).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void aNewSecretIsThirtyTwoRandomBytesThatAReceiverVerifiesWith() {
    String secret = WebhookSecret.generate();
    assertThat(secret).startsWith("whsec_").isNotEqualTo(WebhookSecret.generate());
    assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
    long now = System.currentTimeMillis() / 1000;
    String body = "{\"type\":\"export.completed\",\"data\":{\"name\":\"Ærø ✓\"}}";
    WebhookReceiver.Request signed = new WebhookReceiver.Request("/", Map.of("webhook-id", "msg_1",
      "webhook-timestamp", Long.toString(now), "webhook-signature", WebhookSecret.sign(secret, "msg_1", now, body)),
      body, now * 1000, 200);
    assertThat(WebhookReceiver.verify(secret, signed)).isTrue();
    WebhookReceiver.Request tampered = new WebhookReceiver.Request("/", signed.headers(), body + " ", now * 1000, 200);
    assertThat(WebhookReceiver.verify(secret, tampered)).isFalse();
    assertThat(WebhookReceiver.verify(WebhookSecret.generate(), signed)).isFalse();
  }
}
