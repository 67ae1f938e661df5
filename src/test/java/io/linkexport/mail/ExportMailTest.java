package io.linkexport.mail;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ExportMailTest {

  @Test
  void theReadyMailCarriesTheLinkAndTheDashboard() {
    ExportMail.Rendered m = ExportMail.ready(new JsonObject().put("rowCount", 1234).put("projectName", "Acme")
      .put("filename", "links-acme-2025-01-01.csv"), "https://s3/x?X-Amz-Signature=abc&b=1", "https://dash");
    assertThat(m.subject()).isEqualTo("Your links export is ready (1,234 links)");
    assertThat(m.text()).contains("https://s3/x?X-Amz-Signature=abc&b=1").contains("https://dash").contains("7 days");
    assertThat(m.html()).contains("href=\"https://s3/x?X-Amz-Signature=abc&amp;b=1\"");
  }

  @Test
  void projectNamesAreEscapedAndCannotInjectHeaders() {
    ExportMail.Rendered m = ExportMail.ready(new JsonObject().put("rowCount", 1)
      .put("projectName", "<script>x</script>\r\nBcc: victim@example.com"), "u", "d");
    assertThat(m.subject()).doesNotContain("\r").doesNotContain("\n");
    assertThat(m.html()).doesNotContain("<script>").contains("&lt;script&gt;");
    assertThat(m.text()).doesNotContain("\r\nBcc");
  }

  @Test
  void theFailedMailSaysWhy() {
    ExportMail.Rendered m = ExportMail.failed(new JsonObject().put("projectName", "Acme")
      .put("error", "This export matches 123,456 links, over the 100,000-link limit."), "https://dash");
    assertThat(m.subject()).isEqualTo("Your links export failed");
    assertThat(m.text()).contains("123,456 links");
  }

  @Test
  void onlyPlainSingleAddressesAreRecipients() {
    assertThat(ExportMail.plausibleAddress("a.b+c@example.com")).isTrue();
    assertThat(ExportMail.plausibleAddress("a@example.com\r\nBcc: x@y.z")).isFalse();
    assertThat(ExportMail.plausibleAddress("a@example.com, b@example.com")).isFalse();
    assertThat(ExportMail.plausibleAddress("Name <a@example.com>")).isFalse();
    assertThat(ExportMail.plausibleAddress(null)).isFalse();
  }

  /** Verifies that the Message-ID is derived from the job and the sender's domain, whatever MAIL_FROM looks like. */
  @Test
  void theMessageIdIsDerivedFromTheJob() {
    UUID job = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    assertThat(ExportMail.messageId(job, "Link Export <no-reply@mail.example.com>"))
      .isEqualTo("<export-00000000-0000-0000-0000-0000000000aa@mail.example.com>");
    assertThat(ExportMail.messageId(job, "no-reply@example.org")).endsWith("@example.org>");
    assertThat(ExportMail.messageId(job, "Link Export")).endsWith("@localhost>");
    assertThat(ExportMail.messageId(job, "x@<bad>")).endsWith("@localhost>");
  }
}
