package io.linkexport.links;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.ServiceException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Bounds the list and count queries one project runs at once on a node, so that one tenant cannot take every
 * connection of the list pools, which all projects share (issue 18): at most {@code permits} run, the next
 * {@code maxWaiting} wait in the project's own FIFO queue (in the pools' queue they would delay every other project's
 * pages), and a request beyond that is refused at once: 429 with Retry-After 1. A waiter still queued when its caller's
 * event-bus timeout has passed leaves the queue without running: the caller has answered 503 already.
 *
 * <p>One instance per Vert.x instance, shared by the query verticles, which run on different event loops: the state
 * is guarded by one lock held for a few map operations (the list benchmark's 1,300 pages a second barely touch it),
 * and a waiter resumes on the context it came from. Every waiter has the same timeout, so the queue is also ordered
 * by deadline: expired waiters are always at its head and are dropped whenever the head is looked at, without timers.
 */
public final class ProjectQueryGate {

  /** Requests of one project that may wait for a turn; one more is refused with 429. */
  public static final int MAX_WAITING = 64;

  private final int permits;
  private final int maxWaiting;
  private final long maxWaitNanos;
  private final LongSupplier nanoClock;
  /** The projects with a query running; guarded by {@code this}. */
  private final Map<UUID, Lane> lanes = new HashMap<>();
  /** Queries running on this node, of every project: what exports yield to (export.ExportPacing). */
  private final AtomicInteger running = new AtomicInteger();

  private static final class Lane {
    private int running;
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  }

  /** A queued request: {@code start} runs its query, {@code drop} fails it unrun. */
  private record Waiter(long deadline, Context context, Runnable start, Runnable drop) {
    void resume(Runnable action) {
      if (context == null) {
        action.run();
      } else {
        context.runOnContext(v -> action.run());
      }
    }
  }

  private enum Admission { RUN, QUEUED, FULL }

  /**
   * @param permits queries of one project running at once ({@code LIST_PROJECT_CONCURRENCY})
   * @param maxWaiting requests of one project waiting for a turn
   * @param maxWaitMillis how long a request may wait: its caller's event-bus timeout
   */
  public ProjectQueryGate(int permits, int maxWaiting, long maxWaitMillis) {
    this(permits, maxWaiting, maxWaitMillis, System::nanoTime);
  }

  ProjectQueryGate(int permits, int maxWaiting, long maxWaitMillis, LongSupplier nanoClock) {
    this.permits = Math.max(1, permits);
    this.maxWaiting = Math.max(0, maxWaiting);
    this.maxWaitNanos = TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
    this.nanoClock = nanoClock;
  }

  /** Runs {@code query} in the project's turn: now, after the queries ahead of it, or never (429; caller left). */
  public <T> Future<T> run(UUID project, Supplier<Future<T>> query) {
    Promise<T> result = Promise.promise();
    Waiter waiter = new Waiter(nanoClock.getAsLong() + maxWaitNanos, Vertx.currentContext(),
      () -> execute(project, query, result), () -> result.tryFail(callerLeft()));
    List<Waiter> expired = new ArrayList<>(0);
    Admission admission;
    synchronized (this) {
      admission = admit(project, waiter, expired);
    }
    expired.forEach(w -> w.resume(w.drop()));
    return switch (admission) {
      case RUN -> {
        waiter.start().run();
        yield result.future();
      }
      case QUEUED -> result.future();
      case FULL -> Future.failedFuture(new ServiceException(ErrorCode.RATE_LIMITED, "too many list requests of this"
        + " project at once (" + permits + " running, " + maxWaiting + " waiting): retry in a second").retryAfter(1));
    };
  }

  private Admission admit(UUID project, Waiter waiter, List<Waiter> expired) {
    Lane lane = lanes.computeIfAbsent(project, p -> new Lane());
    if (lane.running < permits) {
      lane.running++;
      return Admission.RUN;
    }
    dropExpired(lane, expired);
    if (lane.waiting.size() >= maxWaiting) {
      return Admission.FULL;
    }
    lane.waiting.add(waiter);
    return Admission.QUEUED;
  }

  private <T> void execute(UUID project, Supplier<Future<T>> query, Promise<T> result) {
    Future<T> answer;
    running.incrementAndGet();
    try {
      answer = Objects.requireNonNull(query.get(), "the query answered no future");
    } catch (Throwable e) { // an Error too: else the project's turn and the node's count would never be given back
      answer = Future.failedFuture(e);
    }
    answer.onComplete(outcome -> {
      running.decrementAndGet();
      release(project);
      result.handle(outcome);
    });
  }

  /** Hands the finished query's turn to the project's next live waiter, or gives it back. */
  private void release(UUID project) {
    List<Waiter> expired = new ArrayList<>(0);
    Waiter next;
    synchronized (this) {
      Lane lane = lanes.get(project);
      dropExpired(lane, expired);
      next = lane.waiting.poll();
      if (next == null && --lane.running == 0) {
        lanes.remove(project);
      }
    }
    expired.forEach(w -> w.resume(w.drop()));
    if (next != null) {
      next.resume(next.start());
    }
  }

  private void dropExpired(Lane lane, List<Waiter> expired) {
    long now = nanoClock.getAsLong();
    while (!lane.waiting.isEmpty() && now - lane.waiting.peek().deadline() >= 0) {
      expired.add(lane.waiting.poll());
    }
  }

  /** Nobody reads it (the caller answered 503 at its timeout); not a 5xx, so the bus does not log it as an error. */
  private static ServiceException callerLeft() {
    return new ServiceException(ErrorCode.RATE_LIMITED, "the caller stopped waiting before this project's turn came");
  }

  /** List, count and picker (tags, folders) queries running on this node now, of every project. */
  public int running() {
    return running.get();
  }

  /** Projects with a query running or waiting (tests: nothing is kept once a project is idle). */
  synchronized int busyProjects() {
    return lanes.size();
  }
}
