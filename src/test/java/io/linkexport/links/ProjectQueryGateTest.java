package io.linkexport.links;

import io.linkexport.bus.ErrorCode;
import io.linkexport.bus.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-project bound of list queries, driven by hand: queries finish when the test says, time moves when it says. */
class ProjectQueryGateTest {

  private static final long WAIT_MS = 5_000;
  private final AtomicLong now = new AtomicLong();
  private final UUID project = UUID.randomUUID();

  /** A query the test finishes by hand; {@code started} says whether the gate ran it. */
  private static final class Held {
    final Promise<String> done = Promise.promise();
    boolean started;

    Future<String> start() {
      started = true;
      return done.future();
    }
  }

  private ProjectQueryGate gate(int permits, int maxWaiting) {
    return new ProjectQueryGate(permits, maxWaiting, WAIT_MS, now::get);
  }

  private static List<Held> held(int n) {
    List<Held> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Held());
    }
    return out;
  }

  /** Verifies that a project runs at most its permits at once and its waiters start in arrival order. */
  @Test
  void aProjectRunsAtMostItsPermitsAndItsWaitersStartInArrivalOrder() {
    ProjectQueryGate gate = gate(2, 10);
    List<Held> q = held(5);
    List<Future<String>> results = new ArrayList<>();
    q.forEach(h -> results.add(gate.run(project, h::start)));
    assertThat(q).extracting(h -> h.started).containsExactly(true, true, false, false, false);

    q.get(1).done.complete("b");
    assertThat(results.get(1).result()).isEqualTo("b");
    assertThat(q).extracting(h -> h.started).containsExactly(true, true, true, false, false);
    q.get(0).done.fail(new IllegalStateException("db down"));
    assertThat(results.get(0).failed()).isTrue();
    assertThat(q).extracting(h -> h.started).containsExactly(true, true, true, true, false);
    q.get(2).done.complete("c");
    q.get(3).done.complete("d");
    q.get(4).done.complete("e");
    assertThat(results.get(4).result()).isEqualTo("e");
    assertThat(gate.busyProjects()).as("nothing kept for an idle project").isZero();
  }

  /** Verifies that the node's count of running queries (what exports yield to) counts running, not waiting, queries. */
  @Test
  void theNodeCountsItsRunningQueriesOfEveryProject() {
    ProjectQueryGate gate = gate(1, 10);
    List<Held> q = held(3);
    gate.run(project, q.get(0)::start);
    gate.run(project, q.get(1)::start);
    gate.run(UUID.randomUUID(), q.get(2)::start);
    assertThat(gate.running()).as("two projects' first queries; the second of one waits").isEqualTo(2);
    q.get(0).done.fail(new IllegalStateException("db down"));
    assertThat(gate.running()).as("the failed one ended, its waiter runs").isEqualTo(2);
    q.get(1).done.complete("b");
    q.get(2).done.complete("c");
    assertThat(gate.running()).isZero();
    gate.run(project, () -> {
      throw new IllegalStateException("bad filter");
    });
    assertThat(gate.running()).as("a query that throws is not counted as running").isZero();
  }

  /** Verifies that one project at its bound, with a full queue, does not delay another project's query at all. */
  @Test
  void anotherProjectRunsAtOnceWhileOneProjectIsAtItsBound() {
    ProjectQueryGate gate = gate(1, 1);
    Held running = new Held();
    gate.run(project, running::start);
    gate.run(project, new Held()::start);
    Held other = new Held();
    Future<String> result = gate.run(UUID.randomUUID(), other::start);
    assertThat(other.started).isTrue();
    other.done.complete("other");
    assertThat(result.result()).isEqualTo("other");
  }

  /** Verifies that a request beyond the permits and the queue is refused at once: 429 with Retry-After 1, unrun. */
  @Test
  void aRequestBeyondThePermitsAndTheQueueGets429() {
    ProjectQueryGate gate = gate(1, 2);
    List<Held> q = held(4);
    List<Future<String>> results = new ArrayList<>();
    q.forEach(h -> results.add(gate.run(project, h::start)));

    assertThat(q.get(3).started).isFalse();
    assertThat(results.get(3).cause()).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
      assertThat(e.retryAfterSeconds()).isEqualTo(1);
    });
    assertThat(results.subList(0, 3)).allMatch(f -> !f.isComplete());
  }

  /**
   * Verifies that a waiter still queued after its caller's timeout leaves without running (its turn goes to the next
   * live waiter), and that expired waiters free their places in the queue.
   */
  @Test
  void aWaiterWhoseCallerGaveUpLeavesTheQueueWithoutRunning() {
    ProjectQueryGate gate = gate(1, 2);
    Held running = new Held();
    gate.run(project, running::start);
    Held gaveUp = new Held();
    Future<String> gaveUpResult = gate.run(project, gaveUp::start);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(WAIT_MS / 2));
    Held live = new Held();
    gate.run(project, live::start);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(WAIT_MS / 2));

    running.done.complete("first");
    assertThat(gaveUp.started).isFalse();
    assertThat(gaveUpResult.failed()).isTrue();
    assertThat(live.started).isTrue();

    // The queue holds 2: one waiter now, then two that expire, whose places the next arrivals take.
    List<Held> later = held(2);
    later.forEach(h -> gate.run(project, h::start));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(WAIT_MS));
    Held afterExpiry = new Held();
    assertThat(gate.run(project, afterExpiry::start).isComplete()).as("queued, not refused").isFalse();
    live.done.complete("live");
    assertThat(later).extracting(h -> h.started).containsExactly(false, false);
    assertThat(afterExpiry.started).isTrue();
  }

  /** Verifies that a query that throws instead of answering a Future gives its turn back. */
  @Test
  void aQueryThatThrowsGivesItsTurnBack() {
    ProjectQueryGate gate = gate(1, 1);
    Future<String> failed = gate.run(project, () -> {
      throw new IllegalStateException("bad filter");
    });
    assertThat(failed.cause()).hasMessage("bad filter");
    Held next = new Held();
    gate.run(project, next::start);
    assertThat(next.started).isTrue();
  }
}
