package io.linkexport.storage;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.Failures;
import io.linkexport.bus.ServiceException;

import java.util.Set;

/**
 * An S3 or signing failure, with what the export job needs to decide between retrying later and failing the job:
 * the HTTP status ({@code 0} when no response arrived), S3's error code ({@code "NoSuchUpload"}, ...; or one of ours:
 * {@code CONNECTION}, {@code SIGNING_<error code>}, {@code HTTP_<status>})
 * and whether the same request may succeed if sent again.
 */
public class StorageException extends RuntimeException {

  /** S3 codes that mean "try again", whatever the status they come with (RequestTimeout is a 400). */
  private static final Set<String> RETRYABLE_CODES =
    Set.of("RequestTimeout", "InternalError", "SlowDown", "ServiceUnavailable", "Throttling", "RequestTimeTooSkewed");

  private final int httpStatus;
  private final String s3Code;
  private final boolean retryable;

  public StorageException(int httpStatus, String s3Code, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.s3Code = s3Code;
    this.retryable = retryable;
  }

  /** From an S3 error reply; {@code code}/{@code message} come from its {@code <Error>} body when it had one. */
  public static StorageException fromS3(int status, String code, String message) {
    String c = code == null || code.isBlank() ? "HTTP_" + status : code;
    boolean retry = status >= 500 || status == 429 || RETRYABLE_CODES.contains(c);
    return new StorageException(status, c, "S3 " + status + " " + c + (message == null ? "" : ": " + message), retry,
      null);
  }

  /** No HTTP response at all: refused, reset, timed out. Always worth another attempt. */
  public static StorageException connection(Throwable cause) {
    return new StorageException(0, "CONNECTION", "S3 unreachable: " + cause.getMessage(), true, cause);
  }

  /**
   * From a failure of the signing verticle (a {@link ServiceException} from {@link StorageClient}): unavailable (a
   * timeout, no consumer while it is redeployed) is worth another attempt; anything else is our bug.
   */
  public static StorageException fromBus(Throwable t) {
    ServiceException se = Failures.toService(t);
    return new StorageException(se.status(), "SIGNING_" + se.code(), "signing failed: " + se.getMessage(),
      se.code() == ErrorCode.UNAVAILABLE, t);
  }

  /** True for a StorageException that says so; anything else (a bug) is not retried. */
  public static boolean isRetryable(Throwable t) {
    return t instanceof StorageException se && se.retryable;
  }

  /** Same failure, message noting how many attempts were made. */
  StorageException afterAttempts(int attempts) {
    return new StorageException(httpStatus, s3Code, getMessage() + " (after " + attempts + " attempts)", retryable,
      getCause());
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String s3Code() {
    return s3Code;
  }

  public boolean retryable() {
    return retryable;
  }
}
