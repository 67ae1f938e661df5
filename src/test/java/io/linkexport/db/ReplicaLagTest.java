package io.linkexport.db;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The staleness bound of a read replica, from the primary's WAL positions and the replica's replay position. */
class ReplicaLagTest {

  /** Verifies that a replica that replayed the newest primary position lags 0, even when the primary is idle. */
  @Test
  void aReplicaThatReplayedTheNewestPositionLagsNothingEvenOnAnIdlePrimary() {
    ReplicaLag lag = new ReplicaLag(60_000);
    lag.primaryAt(1_000, 500);
    lag.primaryAt(2_000, 500); // idle: no new WAL
    assertThat(lag.lagMillis(2_050, 500)).isEqualTo(50);
    assertThat(lag.lagMillis(2_050, 900)).isEqualTo(50);
  }

  /** Verifies that the lag is the time since the newest primary position the replica has replayed. */
  @Test
  void theLagIsTheTimeSinceTheNewestPositionTheReplicaHasReplayed() {
    ReplicaLag lag = new ReplicaLag(60_000);
    lag.primaryAt(1_000, 100);
    lag.primaryAt(2_000, 200);
    lag.primaryAt(3_000, 300);
    assertThat(lag.lagMillis(3_500, 250)).as("it has everything committed before 2,000 only").isEqualTo(1_500);
    assertThat(lag.lagMillis(3_500, 199)).isEqualTo(2_500);
  }

  /** Verifies that a replica behind every remembered position, or with none known, has an unknown lag. */
  @Test
  void aReplicaBehindEveryRememberedPositionHasAnUnknownLag() {
    ReplicaLag lag = new ReplicaLag(1_000);
    assertThat(lag.lagMillis(0, 1_000)).isEqualTo(ReplicaLag.UNKNOWN);
    lag.primaryAt(1_000, 100);
    lag.primaryAt(5_000, 200); // 1,000 is forgotten: older than 1 s before the newest
    assertThat(lag.lagMillis(5_100, 150)).isEqualTo(ReplicaLag.UNKNOWN);
    assertThat(lag.lagMillis(5_100, 200)).isEqualTo(100);
  }
}
