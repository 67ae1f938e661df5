package io.linkexport.db;

import io.linkexport.support.StatsReference;
import io.linkexport.support.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies that the rollups maintained by the V2 and V10 triggers (clicks, installs, leads, sales) equal a plain
 * aggregation of the raw events after every batch of random writes (inserts, deletes, updates, cascades, rollbacks),
 * under concurrent READ COMMITTED writers, and after {@link StatsRebuilder#rebuild} repairs deliberately corrupted
 * rollups.
 */
class RollupPropertyIT {

  private static final String[] DEVICES = {"desktop", "mobile", "tablet", "Mobile", null};
  private static final String[] OSES = {"iOS", "Android", "Windows", "macOS", null};
  private static final String[] BROWSERS = {"Chrome", "Safari", "Firefox", "chrome", null};
  private static final String[] COUNTRIES = {"US", "DE", "FR", "Ωmega", "Éire", null};

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    TestServices.get();
    vertx = Vertx.vertx();
    pool = Db.pool(vertx, TestServices.config(), 2);
  }

  @AfterAll
  static void stop() {
    pool.close();
    vertx.close();
  }

  @Test
  void statsEqualReferenceAggregationAfterEveryRandomBatch() throws Exception {
    long baseSeed = Long.getLong("rollup.seed", System.nanoTime());
    for (int round = 0; round < 4; round++) {
      long seed = baseSeed + round;
      try (Connection c = connect()) {
        runRandomRound(c, new Random(seed), seed);
      }
    }
  }

  private void runRandomRound(Connection c, Random rnd, long seed) throws SQLException {
    UUID project = createProject(c);
    List<UUID> links = new ArrayList<>(createLinks(c, project, 4));
    c.setAutoCommit(false);
    for (int batch = 0; batch < 40; batch++) {
      List<String> ops = new ArrayList<>();
      int n = 1 + rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        ops.add(randomOperation(c, rnd, project, links));
      }
      boolean rollback = rnd.nextInt(10) == 0;
      if (rollback) {
        c.rollback();
        links.removeIf(id -> !exists(c, id));
        ops.add("ROLLBACK");
      } else {
        c.commit();
      }
      List<String> diff = StatsReference.differences(c, project);
      c.commit();
      assertThat(diff).as("seed %d (rerun with -Drollup.seed=%d, round offset), batch %d after %s", seed, seed,
        batch, ops).isEmpty();
    }
  }

  private String randomOperation(Connection c, Random rnd, UUID project, List<UUID> links) throws SQLException {
    int op = rnd.nextInt(140);
    if (op >= 100) {
      return conversionOperation(c, rnd, links, op - 100);
    }
    if (op < 30) {
      insertClicks(c, rnd, links, 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 60));
      return "insertClicks";
    } else if (op < 45) {
      insertInstalls(c, rnd, links, 1 + rnd.nextInt(8));
      return "insertInstalls";
    } else if (op < 55) {
      List<Long> ids = pick(rnd, ids(c, "link_clicks", links), 1 + rnd.nextInt(6));
      exec(c, "DELETE FROM link_clicks WHERE id = ANY (?)", (Object) ids.toArray(Long[]::new));
      return "deleteClicks" + ids.size();
    } else if (op < 62) {
      List<Long> ids = pick(rnd, ids(c, "link_installs", links), 1 + rnd.nextInt(4));
      exec(c, "DELETE FROM link_installs WHERE id = ANY (?)", (Object) ids.toArray(Long[]::new));
      return "deleteInstalls" + ids.size();
    } else if (op < 70) {
      List<Long> ids = pick(rnd, ids(c, "link_clicks", links), 1 + rnd.nextInt(6));
      exec(c, "UPDATE link_clicks SET link_id = ?, clicked_at = clicked_at + interval '1 hour' WHERE id = ANY (?)",
        links.get(rnd.nextInt(links.size())), ids.toArray(Long[]::new));
      return "moveClicks";
    } else if (op < 78) {
      List<Long> ids = pick(rnd, ids(c, "link_clicks", links), 1 + rnd.nextInt(8));
      exec(c, "UPDATE link_clicks SET device = ?, country = ? WHERE id = ANY (?)",
        one(rnd, DEVICES), one(rnd, COUNTRIES), ids.toArray(Long[]::new));
      return "changeDevice";
    } else if (op < 84) {
      List<Long> ids = pick(rnd, ids(c, "link_installs", links), 1 + rnd.nextInt(4));
      List<Long> clicks = ids(c, "link_clicks", links);
      Long click = clicks.isEmpty() || rnd.nextBoolean() ? null : clicks.get(rnd.nextInt(clicks.size()));
      exec(c, "UPDATE link_installs SET click_id = ?, kind = CASE WHEN random() < 0.5 THEN 'install' ELSE 'reopen' END,"
        + " link_id = ? WHERE id = ANY (?)", click, links.get(rnd.nextInt(links.size())), ids.toArray(Long[]::new));
      return "changeInstalls";
    } else if (op < 88) {
      exec(c, "UPDATE link_clicks SET device = device WHERE link_id = ?", links.get(rnd.nextInt(links.size())));
      return "noopUpdate";
    } else if (op < 93 && links.size() > 2) {
      UUID gone = links.remove(rnd.nextInt(links.size()));
      exec(c, "DELETE FROM links WHERE id = ?", gone);
      return "deleteLink";
    } else {
      // A link and its first clicks in one statement. With the clicks in the WITH, their trigger runs before the links
      // trigger has created the link's link_stats row, so link_stats_lock must create it (V18's rare path).
      boolean clicksFirst = rnd.nextBoolean();
      try (PreparedStatement ps = c.prepareStatement(clicksFirst ? """
          WITH e AS (INSERT INTO link_clicks (link_id, device, country) VALUES (gen_random_uuid(), 'mobile', 'US')
                     RETURNING link_id)
          INSERT INTO links (id, project_id, domain, slug, url) SELECT e.link_id, ?, 'prop.test', ?, 'https://x.test'
          FROM e RETURNING id""" : """
          WITH l AS (INSERT INTO links (project_id, domain, slug, url) VALUES (?, 'prop.test', ?, 'https://x.test')
                     RETURNING id)
          INSERT INTO link_clicks (link_id, device, country) SELECT id, 'mobile', 'US' FROM l
          RETURNING link_id""")) {
        ps.setObject(1, project);
        ps.setString(2, UUID.randomUUID().toString());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          links.add(rs.getObject(1, UUID.class));
        }
      }
      return clicksFirst ? "insertClicksWithTheirLink" : "insertLinkWithClicks";
    }
  }

  /**
   * Leads and sales (V10): inserts, deletes, a deleted lead (its sales' lead_id set to null), a lead moved to another
   * link (its sales move along), sales re-pointed to another lead of their link or to none, amounts changed.
   */
  private String conversionOperation(Connection c, Random rnd, List<UUID> links, int op) throws SQLException {
    List<Long> leads = ids(c, "link_leads", links);
    if (op < 10) {
      List<Long> clicks = ids(c, "link_clicks", links);
      int n = 1 + rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        Long click = clicks.isEmpty() || rnd.nextBoolean() ? null : clicks.get(rnd.nextInt(clicks.size()));
        exec(c, "INSERT INTO link_leads (link_id, customer_id, click_id) VALUES (?, ?, ?)",
          links.get(rnd.nextInt(links.size())), "cus_" + rnd.nextInt(1_000), click);
      }
      return "insertLeads" + n;
    } else if (op < 22) {
      // Several sales in one statement, often converting the same lead twice, sometimes no lead at all.
      int n = 1 + rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        if (leads.isEmpty() || rnd.nextInt(4) == 0) {
          exec(c, "INSERT INTO link_sales (link_id, amount) VALUES (?, ?)", links.get(rnd.nextInt(links.size())),
            (long) rnd.nextInt(10_000));
        } else {
          exec(c, "INSERT INTO link_sales (link_id, lead_id, amount, currency) SELECT link_id, id, ?, 'eur'"
            + " FROM link_leads WHERE id = ?", (long) rnd.nextInt(10_000), leads.get(rnd.nextInt(leads.size())));
        }
      }
      exec(c, "INSERT INTO link_sales (link_id, lead_id, amount) SELECT link_id, id, 250 FROM link_leads"
        + " WHERE id = ANY (?)", (Object) pick(rnd, leads, 2).toArray(Long[]::new));
      return "insertSales" + n;
    } else if (op < 27) {
      List<Long> gone = pick(rnd, leads, 1 + rnd.nextInt(2));
      exec(c, "DELETE FROM link_leads WHERE id = ANY (?)", (Object) gone.toArray(Long[]::new));
      return "deleteLeads" + gone.size();
    } else if (op < 32) {
      List<Long> gone = pick(rnd, ids(c, "link_sales", links), 1 + rnd.nextInt(3));
      exec(c, "DELETE FROM link_sales WHERE id = ANY (?)", (Object) gone.toArray(Long[]::new));
      return "deleteSales" + gone.size();
    } else if (op < 35) {
      List<Long> moved = pick(rnd, leads, 1);
      exec(c, "UPDATE link_leads SET link_id = ? WHERE id = ANY (?)", links.get(rnd.nextInt(links.size())),
        moved.toArray(Long[]::new));
      return "moveLead";
    } else {
      List<Long> sales = pick(rnd, ids(c, "link_sales", links), 1 + rnd.nextInt(3));
      exec(c, "UPDATE link_sales x SET amount = x.amount + 7, lead_id = CASE WHEN random() < 0.5 THEN NULL ELSE"
        + " (SELECT min(e.id) FROM link_leads e WHERE e.link_id = x.link_id) END WHERE x.id = ANY (?)",
        (Object) sales.toArray(Long[]::new));
      return "changeSales" + sales.size();
    }
  }

  @Test
  void concurrentReadCommittedWritersAreAllCounted() throws Exception {
    UUID project;
    List<UUID> links;
    List<Long> sharedClicks;
    List<Long> lateClicks;
    try (Connection c = connect()) {
      project = createProject(c);
      links = createLinks(c, project, 3);
      insertClicks(c, new Random(7), links, 12);
      sharedClicks = ids(c, "link_clicks", links);
      insertClicks(c, new Random(8), links, 5);
      lateClicks = new ArrayList<>(ids(c, "link_clicks", links));
      lateClicks.removeAll(sharedClicks);
    }
    int threads = 4;
    int txPerThread = 30;
    CountDownLatch start = new CountDownLatch(1);
    CyclicBarrier barrier = new CyclicBarrier(threads);
    AtomicInteger retries = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(executor.submit(() -> {
        Random rnd = new Random(thread);
        try (Connection c = connect()) {
          c.setAutoCommit(false);
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
          start.await();
          for (int i = 0; i < txPerThread; i++) {
            concurrentTransaction(c, rnd, links, sharedClicks, thread, retries);
          }
          // Final races whose outcome no later transaction repairs. Each thread's batch makes its own value the top
          // in its own view, so a trigger that missed the others' commits leaves a wrong top_* behind; installs
          // that all point at the same fresh clicks are counted more than once by a trigger that read stale matches.
          barrier.await();
          exec(c, """
            INSERT INTO link_clicks (link_id, device, os, browser, country)
            SELECT l, ?, ?, ?, ? FROM unnest(?::uuid[]) l, generate_series(1, ?)""",
            "device-" + thread, "os-" + thread, "browser-" + thread, "country-" + thread,
            links.toArray(UUID[]::new), 200 + 10 * thread);
          exec(c, "SELECT pg_sleep(0.05)");
          c.commit();
          barrier.await();
          exec(c, "INSERT INTO link_installs (link_id, click_id, kind) SELECT l, k, 'install'"
            + " FROM unnest(?::uuid[]) l, unnest(?::bigint[]) k", links.toArray(UUID[]::new), lateClicks.toArray(Long[]::new));
          exec(c, "SELECT pg_sleep(0.05)");
          c.commit();
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    executor.shutdown();
    try (Connection c = connect()) {
      assertThat(StatsReference.differences(c, project)).as("retries %d", retries.get()).isEmpty();
      try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT sum(clicks), sum(new_installs) + sum(returning_users) FROM link_stats WHERE project_id = '" + project + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).isGreaterThan(threads * txPerThread * 3L);
        assertThat(rs.getLong(2)).isGreaterThan(0);
      }
    }
  }

  /**
   * Clicks for every link in one statement, then installs pointing at clicks shared by all threads, then a pause that
   * keeps the transaction open while the others run their triggers. Each thread writes its own dimension values, so
   * the top values (and the distinct attributed clicks) are right only if every trigger saw the others' commits.
   */
  private void concurrentTransaction(Connection c, Random rnd, List<UUID> links, List<Long> sharedClicks, int thread,
                                     AtomicInteger retries) throws SQLException {
    while (true) {
      try {
        try (PreparedStatement ps = c.prepareStatement("""
            INSERT INTO link_clicks (link_id, device, os, browser, country, clicked_at)
            SELECT l, ?, ?, ?, ?, now() - random() * interval '9 days'
            FROM unnest(?::uuid[]) l, generate_series(1, ?)""")) {
          ps.setString(1, "device-" + thread);
          ps.setString(2, "os-" + thread);
          ps.setString(3, "browser-" + thread);
          ps.setString(4, "country-" + thread);
          ps.setArray(5, c.createArrayOf("uuid", links.toArray()));
          ps.setInt(6, 1 + rnd.nextInt(4));
          ps.executeUpdate();
        }
        exec(c, """
          INSERT INTO link_installs (link_id, click_id, kind)
          SELECT l, (?::bigint[])[1 + floor(random() * ?)::int], CASE WHEN random() < 0.6 THEN 'install' ELSE 'reopen' END
          FROM unnest(?::uuid[]) l""", sharedClicks.toArray(Long[]::new), sharedClicks.size(),
          links.toArray(UUID[]::new));
        if (rnd.nextInt(4) == 0) {
          exec(c, "DELETE FROM link_clicks WHERE id IN (SELECT id FROM link_clicks WHERE link_id = ANY (?)"
            + " AND device = ? ORDER BY id DESC LIMIT 2)", links.toArray(UUID[]::new), "device-" + thread);
        }
        exec(c, "SELECT pg_sleep(?)", rnd.nextInt(5) / 1000.0);
        c.commit();
        return;
      } catch (SQLException e) {
        c.rollback();
        if (!"40P01".equals(e.getSQLState()) && !"40001".equals(e.getSQLState())) {
          throw e;
        }
        retries.incrementAndGet();
      }
    }
  }

  /**
   * Verifies that concurrent READ COMMITTED writers of sales on the same leads count each conversion once: every
   * thread's sales convert the same leads, some are deleted again, and at the end all threads convert a set of fresh
   * leads at once and hold their transactions open while the others' triggers run. A trigger that read the (link,
   * lead) keys before the previous writer committed would count a lead twice or lose a sale's amount.
   */
  @Test
  void concurrentSalesOnTheSameLeadsCountEachConversionOnce() throws Exception {
    UUID project;
    List<UUID> links;
    List<Long> shared;
    List<Long> fresh;
    try (Connection c = connect()) {
      project = createProject(c);
      links = createLinks(c, project, 3);
      exec(c, "INSERT INTO link_leads (link_id) SELECT l FROM unnest(?::uuid[]) l, generate_series(1, 4)",
        (Object) links.toArray(UUID[]::new));
      shared = ids(c, "link_leads", links);
      exec(c, "INSERT INTO link_leads (link_id) SELECT l FROM unnest(?::uuid[]) l, generate_series(1, 3)",
        (Object) links.toArray(UUID[]::new));
      fresh = new ArrayList<>(ids(c, "link_leads", links));
      fresh.removeAll(shared);
    }
    int threads = 4;
    CountDownLatch start = new CountDownLatch(1);
    CyclicBarrier barrier = new CyclicBarrier(threads);
    AtomicInteger retries = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(executor.submit(() -> {
        Random rnd = new Random(100 + thread);
        try (Connection c = connect()) {
          c.setAutoCommit(false);
          start.await();
          for (int i = 0; i < 25; i++) {
            salesTransaction(c, rnd, shared, thread, retries);
          }
          barrier.await();
          exec(c, "INSERT INTO link_sales (link_id, lead_id, amount) SELECT link_id, id, 100 + ? FROM link_leads"
            + " WHERE id = ANY (?)", thread, fresh.toArray(Long[]::new));
          exec(c, "SELECT pg_sleep(0.05)");
          c.commit();
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(2, TimeUnit.MINUTES);
    }
    executor.shutdown();
    try (Connection c = connect()) {
      assertThat(StatsReference.differences(c, project)).as("retries %d", retries.get()).isEmpty();
      try (ResultSet rs = c.createStatement().executeQuery("SELECT sum(conversions), sum(sales) FROM link_stats"
        + " WHERE project_id = '" + project + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(shared.size() + fresh.size());
        assertThat(rs.getLong(2)).isGreaterThan(threads * 25L);
      }
    }
  }

  /** Sales converting two shared leads, sometimes a delete of this thread's latest sale, a pause, a commit. */
  private void salesTransaction(Connection c, Random rnd, List<Long> shared, int thread, AtomicInteger retries)
      throws SQLException {
    while (true) {
      try {
        exec(c, "INSERT INTO link_sales (link_id, lead_id, amount) SELECT link_id, id, ? FROM link_leads"
          + " WHERE id = ANY (?)", (long) (1 + thread), pick(rnd, shared, 2).toArray(Long[]::new));
        if (rnd.nextInt(4) == 0) {
          exec(c, "DELETE FROM link_sales WHERE id = (SELECT max(id) FROM link_sales WHERE lead_id = ANY (?)"
            + " AND amount = ?)", shared.toArray(Long[]::new), (long) (1 + thread));
        }
        exec(c, "SELECT pg_sleep(?)", rnd.nextInt(5) / 1000.0);
        c.commit();
        return;
      } catch (SQLException e) {
        c.rollback();
        if (!"40P01".equals(e.getSQLState()) && !"40001".equals(e.getSQLState())) {
          throw e;
        }
        retries.incrementAndGet();
      }
    }
  }

  @Test
  void rebuildRestoresCorruptedStats() throws Exception {
    UUID project;
    try (Connection c = connect()) {
      project = createProject(c);
      List<UUID> links = createLinks(c, project, 5);
      Random rnd = new Random(42);
      insertClicks(c, rnd, links, 200);
      insertInstalls(c, rnd, links, 40);
      exec(c, "INSERT INTO link_leads (link_id) SELECT l FROM unnest(?::uuid[]) l, generate_series(1, 3)",
        (Object) links.toArray(UUID[]::new));
      exec(c, "INSERT INTO link_sales (link_id, lead_id, amount) SELECT link_id, id, 1000 FROM link_leads"
        + " WHERE link_id = ANY (?)", (Object) links.toArray(UUID[]::new));
      try (Statement st = c.createStatement()) {
        st.execute("UPDATE link_stats SET leads = 0, conversions = 9, sales = sales + 1, sale_amount = 3"
          + " WHERE project_id = '" + project + "'");
        st.execute("DELETE FROM link_lead_sales WHERE link_id = '" + links.get(4) + "'");
        st.execute("UPDATE link_stats SET clicks = clicks + 7, top_device = 'bogus', attributed_clicks = 0,"
          + " last_clicked_at = NULL WHERE project_id = '" + project + "'");
        st.execute("UPDATE link_stats SET dim_counts = '{}' WHERE link_id = '" + links.get(0) + "'");
        st.execute("UPDATE link_stats SET dim_counts = (SELECT jsonb_object_agg(key, value::bigint + 3)"
          + " FROM jsonb_each_text(dim_counts)) WHERE link_id = '" + links.get(1) + "'");
        st.execute("INSERT INTO link_click_matches VALUES ('" + links.get(2) + "', -1, 5)");
        st.execute("DELETE FROM link_stats WHERE link_id = '" + links.get(3) + "'");
      }
      assertThat(StatsReference.differences(c, project)).isNotEmpty();
    }

    long rebuilt = StatsRebuilder.rebuild(pool, project).toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);

    assertThat(rebuilt).isEqualTo(5);
    try (Connection c = connect()) {
      assertThat(StatsReference.differences(c, project)).isEmpty();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------------------

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(TestServices.get().jdbcUrl(), "postgres", "postgres");
  }

  static UUID createProject(Connection c) throws SQLException {
    UUID id = UUID.randomUUID();
    exec(c, "INSERT INTO projects (id, name) VALUES (?, 'rollups')", id);
    return id;
  }

  static List<UUID> createLinks(Connection c, UUID project, int n) throws SQLException {
    List<UUID> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UUID id = UUID.randomUUID();
      exec(c, "INSERT INTO links (id, project_id, domain, slug, url) VALUES (?, ?, 'prop.test', ?, 'https://x.test')",
        id, project, id.toString());
      out.add(id);
    }
    return out;
  }

  private static void insertClicks(Connection c, Random rnd, List<UUID> links, int n) throws SQLException {
    StringBuilder sql = new StringBuilder("INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country) VALUES ");
    List<Object> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?)");
      args.add(links.get(rnd.nextInt(links.size())));
      // few distinct timestamps, so that deletes often remove the latest click and ties happen
      args.add(Timestamp.from(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(3600L * rnd.nextInt(50))));
      args.add(one(rnd, DEVICES));
      args.add(one(rnd, OSES));
      args.add(one(rnd, BROWSERS));
      args.add(one(rnd, COUNTRIES));
    }
    exec(c, sql.toString(), args.toArray());
  }

  private static void insertInstalls(Connection c, Random rnd, List<UUID> links, int n) throws SQLException {
    List<Long> clicks = ids(c, "link_clicks", links);
    StringBuilder sql = new StringBuilder("INSERT INTO link_installs (link_id, click_id, kind) VALUES ");
    List<Object> args = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
      args.add(links.get(rnd.nextInt(links.size())));
      // the same click often twice (distinct counting), sometimes a click of another link
      args.add(clicks.isEmpty() || rnd.nextInt(4) == 0 ? null : clicks.get(rnd.nextInt(Math.min(clicks.size(), 10))));
      args.add(rnd.nextInt(3) == 0 ? "reopen" : "install");
    }
    exec(c, sql.toString(), args.toArray());
  }

  private static List<Long> ids(Connection c, String table, List<UUID> links) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + table + " WHERE link_id = ANY (?) ORDER BY id")) {
      ps.setArray(1, c.createArrayOf("uuid", links.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  private static boolean exists(Connection c, UUID link) {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM links WHERE id = ?")) {
      ps.setObject(1, link);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> List<T> pick(Random rnd, List<T> from, int n) {
    List<T> copy = new ArrayList<>(from);
    List<T> out = new ArrayList<>();
    while (out.size() < n && !copy.isEmpty()) {
      out.add(copy.remove(rnd.nextInt(copy.size())));
    }
    return out;
  }

  private static String one(Random rnd, String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        Object a = args[i];
        if (a instanceof Object[] arr) {
          ps.setArray(i + 1, c.createArrayOf(arr instanceof UUID[] ? "uuid" : "bigint", arr));
        } else {
          ps.setObject(i + 1, a);
        }
      }
      ps.execute();
    }
  }
}
