package io.linkexport.webhooks;

import io.linkexport.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The default schedule retries for about a day and outlasts any one-hour outage in it. */
class RetryScheduleTest {

  private static final RetrySchedule DEFAULT = AppConfig.from(new JsonObject()).webhookRetrySchedule();

  @Test
  void theDefaultRetriesForADayThenGivesUp() {
    List<Duration> at = DEFAULT.attemptOffsets();
    assertThat(DEFAULT.maxAttempts()).isEqualTo(10);
    assertThat(at.get(at.size() - 1)).isBetween(Duration.ofHours(23), Duration.ofHours(24));
    assertThat(DEFAULT.delaySeconds(1)).isEqualTo(5.0);
    assertThat(DEFAULT.delaySeconds(9)).isEqualTo(8 * 3600.0);
    assertThat(DEFAULT.delaySeconds(10)).as("the tenth attempt was the last").isNull();
  }

  /**
   * An outage ending before the last attempt is followed by an attempt within the longest gap (8 h): an hour's
   * outage anywhere in the day costs at most that wait, and none is longer than the gap.
   */
  @Test
  void noGapBetweenAttemptsIsLongerThanEightHours() {
    List<Duration> at = DEFAULT.attemptOffsets();
    Duration longest = Duration.ZERO;
    for (int i = 1; i < at.size(); i++) {
      Duration gap = at.get(i).minus(at.get(i - 1));
      longest = gap.compareTo(longest) > 0 ? gap : longest;
    }
    assertThat(longest).isEqualTo(Duration.ofHours(8));
    assertThat(at.subList(0, 6)).as("the first hour of an outage from the start is retried within it")
      .anyMatch(a -> a.compareTo(Duration.ofMinutes(30)) >= 0 && a.compareTo(Duration.ofHours(2)) <= 0);
  }

  @Test
  void aScheduleNamesItsUnits() {
    assertThat(RetrySchedule.parse("250ms, 2s,3m,1h").delays()).containsExactly(Duration.ofMillis(250),
      Duration.ofSeconds(2), Duration.ofMinutes(3), Duration.ofHours(1));
    for (String bad : List.of("", "5", "5d", "s", "-1s", "1.5s")) {
      assertThatThrownBy(() -> RetrySchedule.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> AppConfig.from(new JsonObject().put(AppConfig.WEBHOOK_RETRY_SCHEDULE, "5x"))
      .webhookRetrySchedule()).hasMessageContaining("WEBHOOK_RETRY_SCHEDULE");
  }
}
