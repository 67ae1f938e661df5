package io.linkexport;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code check-config} prints: every key in force, no secret. */
class EffectiveConfigTest {

  /** Verifies that the printed configuration lists every key and shows no password, secret, key id or URL password. */
  @Test
  void thePrintedConfigurationListsEveryKeyAndShowsNoSecret() {
    AppConfig config = AppConfig.from(new JsonObject()
      .put(ConfigKeys.S3_ACCESS_KEY_ID, "AKIAEXAMPLEKEYID").put(ConfigKeys.S3_SECRET_ACCESS_KEY, "s3-secret-value")
      .put(ConfigKeys.SUPABASE_JWT_SECRET, "jwt-secret-0123456789abcdef0123456789")
      .put(ConfigKeys.SMTP_PASSWORD, "smtp-password-value")
      .put(ConfigKeys.CLUSTER_TLS_KEY_STORE_PASSWORD, "store-password-value")
      .put(ConfigKeys.PG_URL, "postgresql://app:pg-password-value@db:5432/linkexport")
      .put(ConfigKeys.PG_READ_URL, "postgresql://ro:replica-pw-1@r1:5432/linkexport,postgres://ro:replica-pw-2@r2/x"));
    String printed = String.join("\n", ConfigCheck.effective(config));

    for (String secret : List.of("AKIAEXAMPLEKEYID", "s3-secret-value", "jwt-secret", "smtp-password-value",
      "store-password-value", "pg-password-value", "replica-pw-1", "replica-pw-2")) {
      assertThat(printed).as("printed " + secret).doesNotContain(secret);
    }
    assertThat(printed).contains("PG_URL=postgresql://app:****@db:5432/linkexport")
      .contains("PG_READ_URL=postgresql://ro:****@r1:5432/linkexport,postgres://ro:****@r2/x")
      .contains("S3_SECRET_ACCESS_KEY=****").contains("SMTP_USERNAME=").contains("HTTP_PORT=8080");
    assertThat(printed).contains("CLUSTER_TLS_TRUST_STORE_PASSWORD=(unset)");
  }

  /** Verifies which key names count as secret. */
  @Test
  void passwordsSecretsKeyIdsAndTokensAreSecretOtherKeysAreNot() {
    assertThat(List.of("SMTP_PASSWORD", "S3_SECRET_ACCESS_KEY", "S3_ACCESS_KEY_ID", "SUPABASE_JWT_SECRET", "X_TOKEN"))
      .allMatch(EffectiveConfig::secret);
    assertThat(List.of("PG_URL", "S3_BUCKET", "CLUSTER_TLS_KEY_STORE", "SMTP_USERNAME", "METRICS_PORT"))
      .noneMatch(EffectiveConfig::secret);
  }
}
