package io.linkexport.mail;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Await;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbox's writes are fenced by the claim that made them, on a real Postgres (a database of its own). */
class MailOutboxIT {

  /**
   * Verifies that a sender whose lease ran out, and whose email another sender claimed since, can neither mark the
   * email sent nor schedule its retry, while the current claim can, once.
   */
  @Test
  void aSenderThatLostItsLeaseCannotMarkTheEmailSentOrFailed() throws Exception {
    AppConfig config = AppConfig.from(TestApp.isolatedConfig(new JsonObject()));
    Vertx vertx = Vertx.vertx();
    Pool pool = Db.pool(vertx, config, 2);
    try (Fixtures db = Fixtures.of(config)) {
      UUID project = db.project("Outbox", "pro");
      UUID user = db.member(project);
      UUID job = db.uuid("INSERT INTO export_jobs (project_id, requested_by, status) VALUES (?, ?, 'failed')"
        + " RETURNING id", project, user);
      db.exec("INSERT INTO mail_outbox (job_id, kind, recipient) VALUES (?, 'export_failed', 'late@example.com')", job);
      MailOutbox outbox = new MailOutbox(pool);

      List<MailOutbox.Claimed> first = Await.result(outbox.claim(10, 60));
      assertThat(first).hasSize(1);
      assertThat(first.get(0).attempts()).isEqualTo(1);
      // The first sender stalls past its lease; another sender claims the email.
      db.exec("UPDATE mail_outbox SET lease_until = now() - interval '1 second' WHERE job_id = ?", job);
      List<MailOutbox.Claimed> second = Await.result(outbox.claim(10, 60));
      assertThat(second).hasSize(1);
      assertThat(second.get(0).attempts()).isEqualTo(2);

      assertThat(Await.result(outbox.sent(first.get(0)))).as("the stale claim marks it sent").isFalse();
      assertThat(Await.result(outbox.failed(first.get(0), 5.0, "late failure"))).as("the stale claim fails it")
        .isFalse();
      assertThat(db.strings("SELECT concat_ws(' ', attempts, sent_at IS NULL, last_error IS NULL,"
        + " lease_until > now()) FROM mail_outbox WHERE job_id = ?", job))
        .as("attempts, unsent, no error, still leased by the second claim").containsExactly("2 t t t");

      assertThat(Await.result(outbox.sent(second.get(0)))).as("the current claim marks it sent").isTrue();
      assertThat(Await.result(outbox.sent(second.get(0)))).as("and only once").isFalse();
      assertThat(Await.result(outbox.failed(second.get(0), 5.0, "after sending"))).as("a sent email never fails")
        .isFalse();
      assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ? AND sent_at IS NOT NULL"
        + " AND last_error IS NULL", job)).isEqualTo(1);
    } finally {
      pool.close();
      vertx.close();
    }
  }

  /** Verifies that the service refuses to start when an email send could outlive its lease, naming the keys. */
  @Test
  void aSendThatCouldOutliveItsLeaseStopsTheServiceFromStarting() {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject().put(AppConfig.SMTP_TIMEOUT_MS, 40_000));
    assertThatThrownBy(() -> TestApp.start(conf))
      .hasStackTraceContaining("bad configuration: an email send may take up to 45000 ms")
      .rootCause().hasMessageContaining("SMTP_TIMEOUT_MS").hasMessageContaining("MAIL_LEASE_SECONDS");
  }
}
