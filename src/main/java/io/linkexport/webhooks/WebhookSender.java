package io.linkexport.webhooks;

import io.linkexport.db.OutboxSlots;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends the deliveries queued in {@code webhook_deliveries} ({@link WebhookStore}), as {@code OutboxSender} sends
 * emails: claimed with a lease, up to {@link #IN_FLIGHT} at once per node, every outcome fenced by the claim. Each
 * attempt checks the target again ({@link TargetPolicy}), connects to the address it checked, POSTs the stored body
 * signed for this attempt ({@link WebhookSecret}: {@code webhook-id} is the event's id on every attempt,
 * {@code webhook-timestamp} the attempt's time) and never follows a redirect. A 2xx within {@code WEBHOOK_TIMEOUT_MS}
 * is delivered; anything else is tried again on the {@link RetrySchedule}, then given up (and the endpoint disabled
 * after a day of failures, see webhook_give_up.sql). Every outcome is published on
 * {@link io.linkexport.bus.Addresses#WEBHOOK_EVENTS}. Runs on one context.
 */
public final class WebhookSender {

  /** Deliveries under way at once per node; also bounds the rows this node holds leased. */
  public static final int IN_FLIGHT = 8;

  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  private static final int MAX_ERROR = 500;

  private final WebhookStore store;
  private final HttpClient http;
  private final TargetPolicy policy;
  private final RetrySchedule schedule;
  private final long timeoutMillis;
  private final EventBus bus;
  private final String eventsAddress;
  private final Runnable mailQueued;
  private final OutboxSlots<WebhookStore.Claimed> slots;

  /** {@code mailQueued} wakes the mail sender when giving up queued the owners' emails. */
  public WebhookSender(io.vertx.sqlclient.Pool pool, HttpClient http, TargetPolicy policy, RetrySchedule schedule,
                       long timeoutMillis, EventBus bus, String eventsAddress, Runnable mailQueued) {
    this.store = new WebhookStore(pool);
    this.http = http;
    this.policy = policy;
    this.schedule = schedule;
    this.timeoutMillis = timeoutMillis;
    this.bus = bus;
    this.eventsAddress = eventsAddress;
    this.mailQueued = mailQueued;
    this.slots = new OutboxSlots<>("webhook", IN_FLIGHT, n -> store.claim(n, leaseSeconds()), this::attempt);
  }

  /**
   * A claim's lease: twice the bound of a whole attempt (resolution, connection, answer) and half a minute to record
   * its outcome, so a live sender never loses its claim.
   */
  int leaseSeconds() {
    return (int) (2 * timeoutMillis / 1000) + 30;
  }

  /** Claims due deliveries for the free slots and starts them ({@link OutboxSlots}); answers how many it claimed. */
  public Future<Integer> sendDue() {
    return slots.run();
  }

  /** Deletes the deliveries that ended more than {@code days} ago (a few thousand per call; called hourly). */
  public Future<Integer> purge(int days) {
    return store.purge(days, 5_000);
  }

  /** The outcome of one attempt: the HTTP status (null when none came) and, when it failed, why. */
  record Answer(Integer status, String error) {
    boolean delivered() {
      return error == null;
    }
  }

  /** One attempt and its record; never fails. */
  private Future<Void> attempt(WebhookStore.Claimed d) {
    return post(d).recover(err -> Future.succeededFuture(new Answer(null, describe(err))))
      .compose(answer -> record(d, answer))
      .recover(err -> {
        LOG.error("webhook delivery {} ({}): could not record its outcome (it is tried again after the lease): {}",
          d.id(), d.eventId(), err.getMessage());
        return Future.succeededFuture();
      });
  }

  private Future<Answer> post(WebhookStore.Claimed d) {
    TargetPolicy.Target target;
    try {
      target = policy.parse(d.url());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long now = System.currentTimeMillis() / 1000;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(target.host())
      .setPort(target.port()).setSsl(target.https()).setURI(target.requestUri()).setFollowRedirects(false)
      .setConnectTimeout(timeoutMillis).setIdleTimeout(timeoutMillis)
      .putHeader("content-type", "application/json").putHeader("user-agent", "link-export-webhooks/1")
      .putHeader("webhook-id", d.eventId()).putHeader("webhook-timestamp", Long.toString(now))
      .putHeader("webhook-signature", WebhookSecret.sign(d.secret(), d.eventId(), now, d.body()));
    // one bound over the whole attempt (resolution, connection, TLS, request, status line): the lease outlasts it
    Promise<HttpClientRequest> sent = Promise.promise();
    Future<Answer> answer = policy.address(target)
      .compose(ip -> http.request(options.setServer(SocketAddress.inetSocketAddress(target.port(),
        ip.getHostAddress()))))
      .compose(req -> {
        sent.tryComplete(req);
        // the status decides; the body is not read (the connection, one per delivery, is closed with the reset)
        return req.send(Buffer.buffer(d.body())).map(res -> {
          // the reset ends the body that is not read: its "stream reset" is expected, not an error to log
          res.exceptionHandler(ignored -> { });
          req.reset();
          return res.statusCode();
        });
      })
      .map(status -> status >= 200 && status < 300 ? new Answer(status, null)
        : new Answer(status, "the endpoint answered " + status))
      .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
    // a request that is still under way when the bound fires (or that opens after it) is torn down
    answer.onFailure(err -> sent.future().onSuccess(HttpClientRequest::reset));
    return answer;
  }

  private Future<Void> record(WebhookStore.Claimed d, Answer answer) {
    if (answer.delivered()) {
      return store.delivered(d, answer.status()).map(recorded -> {
        LOG.info("webhook {} delivered to endpoint {} (attempt {}, {})", d.eventId(), d.endpointId(), d.attempts(),
          answer.status());
        if (recorded) {
          publish(d, "delivered", answer);
        }
        return null;
      });
    }
    Double delay = schedule.delaySeconds(d.attempts());
    if (delay != null) {
      LOG.warn("webhook {} to endpoint {} failed (attempt {}), next in {} s: {}", d.eventId(), d.endpointId(),
        d.attempts(), delay, answer.error());
      return store.failed(d, delay, answer.status(), answer.error()).map(recorded -> {
        if (recorded) {
          publish(d, "retrying", answer);
        }
        return null;
      });
    }
    return store.giveUp(d, answer.status(), answer.error()).map(gaveUp -> {
      if (!gaveUp.recorded()) {
        return null;
      }
      LOG.error("webhook {} to endpoint {} given up after {} attempts: {}{}", d.eventId(), d.endpointId(),
        d.attempts(), answer.error(), gaveUp.endpointDisabled() ? "; the endpoint is disabled" : "");
      publish(d, "failed", answer);
      if (gaveUp.endpointDisabled()) {
        publish(d, "disabled", answer);
      }
      if (gaveUp.mails() > 0) {
        mailQueued.run();
      }
      return null;
    });
  }

  private void publish(WebhookStore.Claimed d, String outcome, Answer answer) {
    bus.publish(eventsAddress, new JsonObject().put("webhookId", d.endpointId().toString())
      .put("projectId", d.projectId().toString()).put("eventId", d.eventId()).put("type", d.type())
      .put("attempt", d.attempts()).put("outcome", outcome).put("status", answer.status())
      .put("error", answer.error()));
  }

  private static String describe(Throwable err) {
    String message = err instanceof TimeoutException ? "no answer within the timeout"
      : err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    return message.length() > MAX_ERROR ? message.substring(0, MAX_ERROR) : message;
  }
}
