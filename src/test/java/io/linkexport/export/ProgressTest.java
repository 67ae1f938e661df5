package io.linkexport.export;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A job's progress fraction and ETA, as its status and events show them. */
class ProgressTest {

  /** Verifies that the ETA is the time left at the rate written so far, and null until it can be estimated. */
  @Test
  void theEtaIsTheTimeLeftAtTheRateSoFarAndNullUntilItCanBeEstimated() {
    assertThat(Progress.of("pending", null, 0, null)).isEqualTo(new Progress(0, null));
    assertThat(Progress.of("processing", null, 0, null)).isEqualTo(new Progress(0, null));
    assertThat(Progress.of("processing", 1_000L, 0, Duration.ofSeconds(3))).isEqualTo(new Progress(0, null));
    assertThat(Progress.of("processing", 1_000L, 250, Duration.ofSeconds(2))).isEqualTo(new Progress(0.25, 6L));
    assertThat(Progress.of("processing", 1_000L, 999, Duration.ofSeconds(10))).isEqualTo(new Progress(0.999, 1L));
    assertThat(Progress.of("processing", 0L, 0, Duration.ofSeconds(1))).isEqualTo(new Progress(1.0, null));
    assertThat(Progress.of("completed", 1_000L, 1_000, null)).isEqualTo(Progress.DONE);
    assertThat(Progress.of("failed", 1_000L, 400, Duration.ofSeconds(5))).isEqualTo(new Progress(0.4, null));
  }
}
