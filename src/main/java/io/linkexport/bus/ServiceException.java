package io.linkexport.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The one failure type of the service: a {@link ErrorCode} (which carries the HTTP status), a message safe to show
 * to a user, the request field at fault (or null) and a Retry-After in seconds (or 0). Thrown or failed into a Future
 * by any layer; the HTTP layer renders it as the error body, and the bus carries it whole.
 *
 * <p>On the bus it is the reply itself ({@code msg.reply(exception)}, as Vert.x service proxies do): a
 * {@link ReplyException} of type RECIPIENT_FAILURE whose {@code failureCode()} is the HTTP status, so a client that
 * only knows ReplyException still sees the status and the message. Its codec ({@link #registerCodec}) keeps code,
 * field and retry-after across a cluster hop; every node that talks to the service registers it (the typed clients
 * do, and so does {@code Application}).
 */
public final class ServiceException extends ReplyException {

  private static final String CODEC = "link-export.failure";

  private final ErrorCode code;
  private final String field;
  private final long retryAfterSeconds;

  public ServiceException(ErrorCode code, String message) {
    this(code, message, null, 0);
  }

  public ServiceException(ErrorCode code, String message, String field, long retryAfterSeconds) {
    super(ReplyFailure.RECIPIENT_FAILURE, code.status(), message);
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = Math.max(0, retryAfterSeconds);
  }

  public static ServiceException badRequest(String field, String message) {
    return new ServiceException(ErrorCode.BAD_REQUEST, message, field, 0);
  }

  public static ServiceException notFound(String message) {
    return new ServiceException(ErrorCode.NOT_FOUND, message);
  }

  public static ServiceException unauthorized(String message) {
    return new ServiceException(ErrorCode.UNAUTHORIZED, message);
  }

  public static ServiceException forbidden(String message) {
    return new ServiceException(ErrorCode.FORBIDDEN, message);
  }

  public static ServiceException internal() {
    return new ServiceException(ErrorCode.INTERNAL, "internal error");
  }

  /** The same failure with a Retry-After (429, 503); at least one second. */
  public ServiceException retryAfter(long seconds) {
    return new ServiceException(code, getMessage(), field, Math.max(1, seconds));
  }

  /** The same failure with another message (the HTTP layer appends an error id to 5xx). */
  public ServiceException withMessage(String message) {
    return new ServiceException(code, message, field, retryAfterSeconds);
  }

  public ErrorCode code() {
    return code;
  }

  public int status() {
    return code.status();
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }

  /** Seconds for {@code Retry-After}, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public String toString() {
    return code + " (" + status() + "): " + getMessage() + (field == null ? "" : " [field " + field + "]");
  }

  /** The wire form: {@code {"code", "message", "field"?, "retryAfter"?}}, also the HTTP body's {@code error}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put(Fields.CODE, code.name()).put(Fields.MESSAGE, getMessage());
    if (field != null) {
      json.put(Fields.FIELD, field);
    }
    if (retryAfterSeconds > 0) {
      json.put(Fields.RETRY_AFTER, retryAfterSeconds);
    }
    return json;
  }

  static ServiceException fromJson(int status, JsonObject json) {
    return new ServiceException(ErrorCode.parse(json.getString(Fields.CODE), status), json.getString(Fields.MESSAGE),
      json.getString(Fields.FIELD), json.getLong(Fields.RETRY_AFTER, 0L));
  }

  /** Registers the codec on a bus; a second registration is a no-op. */
  public static void registerCodec(EventBus bus) {
    Codecs.registerDefault(bus, ServiceException.class, new Codec());
  }

  static final class Codec implements MessageCodec<ServiceException, ServiceException> {

    @Override
    public void encodeToWire(Buffer wire, ServiceException e) {
      Buffer json = e.toJson().toBuffer();
      wire.appendInt(e.status()).appendInt(json.length()).appendBuffer(json);
    }

    @Override
    public ServiceException decodeFromWire(int pos, Buffer wire) {
      int status = wire.getInt(pos);
      int length = wire.getInt(pos + 4);
      return fromJson(status, new JsonObject(wire.getBuffer(pos + 8, pos + 8 + length)));
    }

    @Override
    public ServiceException transform(ServiceException e) {
      return e;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
