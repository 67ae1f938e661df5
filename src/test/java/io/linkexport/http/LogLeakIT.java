package io.linkexport.http;

import ch.qos.logback.classic.Logger;
import io.linkexport.support.Await;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.LogCapture;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens and presigned URL signatures never reach the logs, whatever happens during an export. */
class LogLeakIT {

  @Test
  void tokensAndSignaturesNeverAppearInLogs() {
    Logger ours = (Logger) LoggerFactory.getLogger("io.linkexport");
    ch.qos.logback.classic.Level before = ours.getLevel();
    ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
    LogCapture logs = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
    try {
      TestApp app = TestApp.get();
      try (Fixtures db = new Fixtures()) {
        Fixtures.Tenant t = db.tenant("Leaks", "pro", "leak@example.com");
        UUID project = t.project();
        String token = t.token();
        db.bulkLinks(project, 20, "leak-" + UUID.randomUUID().toString().substring(0, 6));
        String jobId = Exports.start(app, project, token, new JsonObject());
        JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(30));
        String url = job.getString("downloadUrl");
        String signature = url.substring(url.indexOf("X-Amz-Signature=") + 16);
        app.get("/api/v1/projects/" + project + "/links", token + "tampered");
        app.get("/api/v1/projects/" + project + "/links", "lx_not-a-real-key");
        // the email mints (and logs around) another URL: wait until it went out
        Await.until("the export's email to be sent", Duration.ofSeconds(30), () -> db.count(
          "SELECT count(*) FROM mail_outbox WHERE job_id = ? AND sent_at IS NOT NULL", UUID.fromString(jobId)) == 1);
        String all = String.join("\n", logs.messages());
        assertThat(all).isNotEmpty();
        assertThat(all).doesNotContain(signature).doesNotContain("X-Amz-Signature=").doesNotContain(token)
          .doesNotContain("lx_not-a-real-key").doesNotContain(TestTokens.SECRET);
      }
    } finally {
      logs.close();
      ours.setLevel(before);
    }
  }
}
