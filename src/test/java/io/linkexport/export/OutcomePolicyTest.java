package io.linkexport.export;

import io.linkexport.retry.Backoff;
import io.linkexport.storage.StorageException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What a failed attempt means for its job, without Vert.x: stopped, failed for good, or retried after a delay. */
class OutcomePolicyTest {

  private static final int MAX_HAND_BACKS = 10;

  private final OutcomePolicy policy = new OutcomePolicy(
    Backoff.of(Duration.ofSeconds(5), Duration.ofMinutes(5), 0.2).withRandom(() -> 0), MAX_HAND_BACKS);

  private static Job job(int attempt, int maxAttempts) {
    return job(attempt, maxAttempts, 0);
  }

  private static Job job(int attempt, int maxAttempts, int handBacks) {
    return new Job(UUID.randomUUID(), UUID.randomUUID(), "Acme", UUID.randomUUID(), "a@example.com", new JsonObject(),
      FileOptions.DEFAULT, Column.SCHEMA_VERSION, "processing", attempt, maxAttempts, handBacks, null, null, null, 0,
      null, null, null, null, null, OffsetDateTime.now(), null, null, null, null, null, java.util.List.of());
  }

  @Test
  void aTransientFailureIsRetriedWithTheBackoffOfItsAttempt() {
    Outcome first = policy.decide(job(1, 3), new PgException("restart", "FATAL", "57P01", null), false);
    assertThat(first).isEqualTo(new Outcome.Retry("TRANSIENT_ERROR", 5.0,
      ((Outcome.Retry) first).cause()));
    Outcome second = policy.decide(job(2, 3), new StorageException(503, "SlowDown", "slow", true, null), false);
    assertThat(second).isInstanceOfSatisfying(Outcome.Retry.class, r -> {
      assertThat(r.code()).isEqualTo("STORAGE_ERROR");
      assertThat(r.delaySeconds()).isEqualTo(10.0);
    });
  }

  /** Verifies that a window refused by the database (months archived after the job was created) fails at once. */
  @Test
  void aWindowTheDatabaseRefusesFailsTheJobAtOnce() {
    Outcome refused = policy.decide(job(1, 3), new RuntimeException(new PgException("metricsFrom must be given",
      "ERROR", "LX400", null)), false);
    assertThat(refused).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.code()).isEqualTo("INVALID_FILTER");
      assertThat(f.message()).contains("metricsFrom must be given");
    });
  }

  /**
   * Verifies that a stored request this version refuses (a 400 naming its field) is retried (a newer node of a rolling
   * deploy may run it) and fails the job with INVALID_FILTER and the parser's message on its last attempt.
   */
  @Test
  void aStoredRequestThatDoesNotParseIsRetriedThenFailsTheJobWithItsReason() {
    var refused = io.linkexport.bus.ServiceException.badRequest("sortBy", "sortBy must be one of createdAt, clicks");
    assertThat(policy.decide(job(1, 3), refused, false)).isInstanceOfSatisfying(Outcome.Retry.class,
      r -> assertThat(r.code()).isEqualTo("INVALID_FILTER"));
    assertThat(policy.decide(job(3, 3), refused, false)).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.code()).isEqualTo("INVALID_FILTER");
      assertThat(f.message()).startsWith("The export's request is not valid here: sortBy must be one of")
        .doesNotContain("try again later");
    });
    assertThat(policy.decide(job(1, 3), io.linkexport.bus.ServiceException.internal(), false))
      .as("a service's 500 is retried").isInstanceOf(Outcome.Retry.class);
  }

  @Test
  void theLastAttemptAndPermanentReasonsFailTheJobForGood() {
    Outcome last = policy.decide(job(3, 3), new RuntimeException("reset"), false);
    assertThat(last).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.code()).isEqualTo("TRANSIENT_ERROR");
      assertThat(f.message()).contains("after 3 attempts");
    });
    Outcome cap = policy.decide(job(1, 3), ExportFailure.tooManyRows(123_456, 100_000), false);
    assertThat(cap).isEqualTo(new Outcome.Failed("TOO_MANY_ROWS", "This export matches 123,456 links, over the"
      + " 100,000-link limit. Narrow the filters, for example split the export by date range."));
    Outcome badRequest = policy.decide(job(1, 3), new RuntimeException("wrapped",
      new StorageException(403, "AccessDenied", "denied", false, null)), false);
    assertThat(badRequest).isInstanceOfSatisfying(Outcome.Failed.class,
      f -> assertThat(f.code()).isEqualTo("STORAGE_ERROR"));
  }

  @Test
  void aStoppedAttemptLeavesItsJobToWhoeverStoppedIt() {
    assertThat(policy.decide(job(1, 3), new RuntimeException("x"), true)).isInstanceOf(Outcome.Stopped.class);
    assertThat(policy.decide(job(3, 3), new RuntimeException(new UploadSink.StoppedException("cancelled")), false))
      .isInstanceOf(Outcome.Stopped.class);
  }

  @Test
  void aJobClaimedPastItsAttemptsFailsBeforeRunning() {
    assertThat(policy.exhausted(job(3, 3))).isNull();
    assertThat(policy.exhausted(job(4, 3))).isInstanceOfSatisfying(Outcome.Failed.class,
      f -> assertThat(f.code()).isEqualTo("ATTEMPTS_EXHAUSTED"));
  }

  /**
   * Verifies that only an error answer from Postgres proves that a completion did not commit; no answer, or an error
   * that ends the session (the backend may have been stopped right after its commit), leaves the commit possible.
   */
  @Test
  void onlyAnErrorAnswerProvesThatACompletionDidNotCommit() {
    assertThat(OutcomePolicy.certainlyNotCommitted(new PgException("injected", "ERROR", "P0001", null))).isTrue();
    assertThat(OutcomePolicy.certainlyNotCommitted(new PgException("conflict", "ERROR", "40001", null))).isTrue();
    assertThat(OutcomePolicy.certainlyNotCommitted(io.vertx.sqlclient.TransactionRollbackException.INSTANCE))
      .isTrue();
    assertThat(OutcomePolicy.certainlyNotCommitted(new PgException("terminating", "FATAL", "57P01", null))).isFalse();
    assertThat(OutcomePolicy.certainlyNotCommitted(new PgException("lost", "FATAL", "08006", null))).isFalse();
    assertThat(OutcomePolicy.certainlyNotCommitted(new PgException("bug", "ERROR", "XX000", null))).isFalse();
    assertThat(OutcomePolicy.certainlyNotCommitted(io.vertx.sqlclient.ClosedConnectionException.INSTANCE)).isFalse();
    assertThat(OutcomePolicy.certainlyNotCommitted(new io.vertx.core.VertxException("Connection was closed")))
      .isFalse();
  }

  /** Verifies that the claims a job handed back are not counted as attempts when it is claimed again. */
  @Test
  void aHandedBackClaimIsNotAnAttempt() {
    // attempt 2 after one hand-back is the job's first real attempt: it may run even with max_attempts = 1
    assertThat(job(2, 1, 1).attemptsUsed()).isEqualTo(1);
    assertThat(policy.exhausted(job(2, 1, 1))).isNull();
    assertThat(policy.exhausted(job(7, 3, 4))).isNull();
    assertThat(policy.exhausted(job(8, 3, 4))).isInstanceOfSatisfying(Outcome.Failed.class, f -> {
      assertThat(f.code()).isEqualTo("ATTEMPTS_EXHAUSTED");
      assertThat(f.message()).contains("after 3 attempts");
    });
  }

  /** Verifies that a failure after hand-backs is retried, backed off and bounded by the attempts used. */
  @Test
  void aFailureAfterHandBacksCountsOnlyTheAttemptsUsed() {
    // attempt 4 with 2 hand-backs is the second attempt used: retried with the second retry's delay (10 s)
    assertThat(policy.decide(job(4, 3, 2), new RuntimeException("reset"), false))
      .isInstanceOfSatisfying(Outcome.Retry.class, r -> assertThat(r.delaySeconds()).isEqualTo(10.0));
    assertThat(policy.decide(job(5, 3, 2), new RuntimeException("reset"), false))
      .isInstanceOfSatisfying(Outcome.Failed.class, f -> {
        assertThat(f.code()).isEqualTo("TRANSIENT_ERROR");
        assertThat(f.message()).contains("after 3 attempts");
      });
  }

  /** Verifies that hand-backs have their own bound: past EXPORT_MAX_HAND_BACKS the job fails for good. */
  @Test
  void aJobHandedBackTooOftenFailsWithItsOwnCode() {
    assertThat(policy.exhausted(job(MAX_HAND_BACKS + 1, 5, MAX_HAND_BACKS))).isNull();
    assertThat(policy.exhausted(job(MAX_HAND_BACKS + 2, 5, MAX_HAND_BACKS + 1)))
      .isInstanceOfSatisfying(Outcome.Failed.class, f -> {
        assertThat(f.code()).isEqualTo("HAND_BACKS_EXHAUSTED");
        assertThat(f.message()).isEqualTo("The export was interrupted 11 times by servers shutting down and was"
          + " stopped. Please try again later.");
      });
  }
}
