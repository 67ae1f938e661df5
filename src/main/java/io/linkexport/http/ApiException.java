package io.linkexport.http;

/**
 * A failure that maps to one HTTP status and the error body {@code {"success": false, "error": {"code", "message",
 * "field"?}}}. Thrown (or failed into a Future) by logic classes that know what went wrong in user terms.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final String field;
  private long retryAfterSeconds = -1;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiException(int status, String code, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "BAD_REQUEST", message, field);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "NOT_FOUND", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "UNAUTHORIZED", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "FORBIDDEN", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Adds a {@code Retry-After} (429, 503). */
  public ApiException retryAfter(long seconds) {
    this.retryAfterSeconds = Math.max(1, seconds);
    return this;
  }

  /** Seconds for {@code Retry-After}, or -1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }
}
