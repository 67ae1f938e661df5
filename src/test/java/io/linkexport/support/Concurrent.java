package io.linkexport.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The same request sent by many threads at once (they start together at a latch), for races on a limit. */
public final class Concurrent {

  private Concurrent() {
  }

  /** The statuses of {@code n} POSTs of {@code body} to {@code path}, sent at once. */
  public static List<Integer> posts(TestApp app, String path, String token, String body, int n) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sent.add(threads.submit(() -> {
          go.await();
          return app.post(path, token, body).status();
        }));
      }
      go.countDown();
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> f : sent) {
        statuses.add(f.get());
      }
      return statuses;
    } finally {
      threads.shutdownNow();
    }
  }
}
