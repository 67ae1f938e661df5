package io.linkexport.export;

/**
 * What a failed attempt means for its job, as {@link OutcomePolicy} decides it and {@link OutcomeRecorder} writes it
 * down (a completed attempt needs no decision: {@link OutcomeRecorder#completed}).
 */
sealed interface Outcome {

  /** A transient failure: release the job for another attempt after {@code delaySeconds}. */
  record Retry(String code, double delaySeconds, Throwable cause) implements Outcome {
  }

  /** The job fails for good with a message for the user (and an email). */
  record Failed(String code, String message) implements Outcome {
  }

  /** The attempt was stopped (cancelled, lease lost, handed back): whoever stopped it owns the job now. */
  record Stopped(String reason) implements Outcome {
  }
}
