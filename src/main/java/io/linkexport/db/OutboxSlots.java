package io.linkexport.db;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The claim loop of an outbox table (emails, webhook deliveries): at most {@code slots} rows in work at once, each
 * claimed with a lease and worked on its own, so one slow send holds back only itself. {@link #run} claims due rows
 * for the free slots and starts them; a slot that frees up claims again at once. A call while a claim is under way (a
 * wake-up for a row that just committed, a send that just ended) is remembered and claims again once that claim ends:
 * the claim under way may have read the table before the new row committed. Runs on one context.
 *
 * @param <T> a claimed row
 */
public final class OutboxSlots<T> {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxSlots.class);

  private final String name;
  private final int slots;
  private final IntFunction<Future<List<T>>> claim;
  private final Function<T, Future<Void>> work;
  private int inFlight;
  private boolean claiming;
  private boolean claimAgain;

  /** {@code claim} takes at most n due rows; {@code work} handles one and never fails. */
  public OutboxSlots(String name, int slots, IntFunction<Future<List<T>>> claim, Function<T, Future<Void>> work) {
    this.name = name;
    this.slots = slots;
    this.claim = claim;
    this.work = work;
  }

  /** Claims due rows for the free slots and starts them; answers how many it claimed (0 with every slot busy). */
  public Future<Integer> run() {
    if (claiming) {
      claimAgain = true;
      return Future.succeededFuture(0);
    }
    int free = slots - inFlight;
    if (free <= 0) {
      return Future.succeededFuture(0);
    }
    claiming = true;
    return claim.apply(free).map(this::startAll).eventually(() -> {
      claiming = false;
      if (claimAgain) {
        claimAgain = false;
        runLogged();
      }
      return Future.succeededFuture();
    });
  }

  private int startAll(List<T> claimed) {
    for (T row : claimed) {
      inFlight++;
      work.apply(row).onComplete(ar -> {
        inFlight--;
        runLogged();
      });
    }
    return claimed.size();
  }

  private void runLogged() {
    run().onFailure(err -> LOG.warn("{} claim failed: {}", name, err.getMessage()));
  }
}
