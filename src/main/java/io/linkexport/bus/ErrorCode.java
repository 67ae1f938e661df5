package io.linkexport.bus;

/**
 * Every failure code of the service, with the HTTP status it is answered with. The name is the wire form: the
 * {@code error.code} of an HTTP error body and the {@code code} of a {@link ServiceException} on the bus. Several
 * codes may share a status (409: {@link #CONFLICT}, {@link #EXPORT_IN_PROGRESS}); a status alone maps back to the
 * generic code of {@link #forStatus}.
 */
public enum ErrorCode {
  BAD_REQUEST(400),
  UNAUTHORIZED(401),
  PLAN_REQUIRED(402),
  FORBIDDEN(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  NOT_ACCEPTABLE(406),
  CONFLICT(409),
  /** Another export of the project is pending or processing (the message names it). */
  EXPORT_IN_PROGRESS(409),
  GONE(410),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  /** An Idempotency-Key sent again with a different request (as Stripe answers it). */
  IDEMPOTENCY_KEY_REUSED(422),
  RATE_LIMITED(429),
  INTERNAL(500),
  /** A dependency is down or overloaded, or the service is starting: try again (often with Retry-After). */
  UNAVAILABLE(503);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The generic code of a status (the first code declared with it); INTERNAL for unknown 5xx, BAD_REQUEST for 4xx. */
  public static ErrorCode forStatus(int status) {
    for (ErrorCode c : values()) {
      if (c.status == status) {
        return c;
      }
    }
    return status >= 500 ? INTERNAL : BAD_REQUEST;
  }

  /** The code named {@code name}, or the generic code of {@code status} when the name is unknown (a newer peer). */
  public static ErrorCode parse(String name, int status) {
    for (ErrorCode c : values()) {
      if (c.name().equals(name)) {
        return c;
      }
    }
    return forStatus(status);
  }
}
