package io.linkexport.bus;

import io.linkexport.telemetry.RequestContext;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

/**
 * The client side of the bus contract, under every typed client: requests go out with one send timeout and every
 * failure comes back as a {@link ServiceException} ({@link Failures#toService}). Local clients talk to their own
 * node's verticles (every node runs them all, and internal addresses are local consumers); a client on another node
 * of the cluster uses {@link #anyNode}.
 */
public final class BusClient {

  /** The send timeout when none is configured ({@code BUS_SEND_TIMEOUT_MS}). */
  public static final long DEFAULT_TIMEOUT_MS = 5_000;

  private final EventBus bus;
  private final DeliveryOptions options;

  private BusClient(EventBus bus, long timeoutMs, boolean localOnly) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs).setLocalOnly(localOnly);
    ServiceException.registerCodec(bus);
  }

  /** Requests to this node's consumers only. */
  public static BusClient local(EventBus bus, long timeoutMs) {
    return new BusClient(bus, timeoutMs, true);
  }

  /** Requests to whichever node of the cluster serves the address. */
  public static BusClient anyNode(EventBus bus, long timeoutMs) {
    return new BusClient(bus, timeoutMs, false);
  }

  /** Sends {@code body} and answers the reply's body. */
  public <T> Future<T> request(String address, Object body) {
    String requestId = RequestContext.currentId();
    // the id of the HTTP request this is part of travels as a header, so the consumer's log lines carry it too
    DeliveryOptions delivery = requestId == null ? options
      : new DeliveryOptions(options).addHeader(RequestContext.HEADER, requestId);
    return bus.<T>request(address, body, delivery)
      .map(Message::body)
      .recover(err -> Future.failedFuture(Failures.toService(err)));
  }

  public EventBus bus() {
    return bus;
  }
}
