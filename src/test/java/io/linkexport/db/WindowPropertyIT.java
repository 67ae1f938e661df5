package io.linkexport.db;

import io.linkexport.support.StatsReference;
import io.linkexport.support.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static io.linkexport.db.RollupPropertyIT.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies that the analytics of any window (V12's link_window_stats: whole UTC days from link_day_stats, the edges
 * from the raw events) equal a plain aggregation of the raw events in the window ({@code StatsReference}'s oracle,
 * written without the rollups), for random events placed around UTC midnights, local midnights and DST changes of
 * zones with odd offsets (Kathmandu +05:45, St John's -03:30 with DST, Lord Howe's 30-minute DST), random writes
 * (inserts, deletes, moves across days, re-pointed installs, rollbacks) and random windows in random zones, date-only
 * or instants, open or closed; and that the day rows themselves equal the raw events of each day after every batch.
 */
class WindowPropertyIT {

  private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
    ZoneId.of("Asia/Kathmandu"), ZoneId.of("America/St_Johns"), ZoneId.of("Australia/Lord_Howe"));
  /** Days of the 2026 DST changes (Berlin: 29 Mar, 25 Oct; Lord Howe: 5 Apr, 4 Oct; St John's: 8 Mar, 1 Nov). */
  private static final List<LocalDate> DAYS = List.of(LocalDate.parse("2026-03-08"), LocalDate.parse("2026-03-29"),
    LocalDate.parse("2026-04-05"), LocalDate.parse("2026-10-04"), LocalDate.parse("2026-10-25"),
    LocalDate.parse("2026-11-01"));
  private static final long[] NUDGES_MS = {0, 1, -1, 1_000, -1_000, 59 * 60_000, -59 * 60_000, 2 * 3_600_000,
    -5 * 3_600_000, 13 * 3_600_000};
  private static final String[] DEVICES = {"desktop", "mobile", "tablet", null};
  private static final String[] OSES = {"iOS", "Android", null};
  private static final String[] BROWSERS = {"Chrome", "", null};
  private static final String[] COUNTRIES = {"US", "DE", "NP", "CA", "AU", null};
  /**
   * Every run draws a new seed, so runs add up to more cases than one run holds: 30 batches of 12 windows took 39 s of
   * a suite that must stay under 15 minutes; more per run with {@code -Dwindow.batches=N}.
   */
  private static final int BATCHES = Integer.getInteger("window.batches", 20);
  private static final int WINDOWS_PER_BATCH = 8;

  @Test
  void windowStatsEqualTheRawEventsInTheWindow() throws Exception {
    TestServices.get();
    long seed = Long.getLong("window.seed", System.nanoTime());
    Random rnd = new Random(seed);
    try (Connection c = RollupPropertyIT.connect()) {
      // the months of DAYS get their partitions, so moves cross partitions (V13) as well as days
      RollupPropertyIT.exec(c, "SELECT event_partitions_ensure(date '2026-02-01', date '2026-12-01')");
      UUID project = RollupPropertyIT.createProject(c);
      List<UUID> links = RollupPropertyIT.createLinks(c, project, 4);
      c.setAutoCommit(false);
      for (int batch = 0; batch < BATCHES; batch++) {
        List<String> ops = new ArrayList<>();
        for (int i = 1 + rnd.nextInt(4); i > 0; i--) {
          ops.add(operation(c, rnd, links));
        }
        if (rnd.nextInt(8) == 0) {
          c.rollback();
          ops.add("ROLLBACK");
        } else {
          c.commit();
        }
        List<String> diff = new ArrayList<>(StatsReference.differences(c, project));
        for (int w = 0; w < WINDOWS_PER_BATCH; w++) {
          Instant[] window = window(rnd);
          diff.addAll(StatsReference.windowDifferences(c, project, window[0], window[1]));
        }
        c.commit();
        assertThat(diff).as("seed %d (rerun with -Dwindow.seed=%d), batch %d after %s", seed, seed, batch, ops)
          .isEmpty();
      }
    }
  }

  /**
   * Verifies that an install carrying a click and a change of that click's time, in two transactions at once, wait
   * for each other instead of deadlocking (the click row is locked before the link's rollups on both paths), and that
   * the attributed click lands on the click's new day.
   */
  @Test
  void anInstallAndAMoveOfItsClickDoNotDeadlock() throws Exception {
    TestServices.get();
    try (Connection mover = RollupPropertyIT.connect(); Connection installer = RollupPropertyIT.connect()) {
      UUID project = RollupPropertyIT.createProject(mover);
      UUID link = RollupPropertyIT.createLinks(mover, project, 1).get(0);
      exec(mover, "INSERT INTO link_clicks (link_id, clicked_at, device) VALUES (?, ?, 'mobile')", link,
        Timestamp.from(Instant.parse("2026-03-28T23:30:00Z")));
      long click = ids(mover, "link_clicks", List.of(link)).get(0);
      mover.setAutoCommit(false);
      installer.setAutoCommit(false);
      // the mover holds the click row, as its UPDATE does before its trigger locks the link's rollups
      exec(mover, "SELECT 1 FROM link_clicks WHERE id = ? FOR NO KEY UPDATE", click);
      var install = java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          exec(installer, "INSERT INTO link_installs (link_id, click_id, kind) VALUES (?, ?, 'install')", link, click);
          installer.commit();
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      // the installer now waits for the click row (before V12's fix it held the link's rollups and waited here)
      awaitWaiting(mover, "link_clicks");
      exec(mover, "UPDATE link_clicks SET clicked_at = ? WHERE id = ?", Timestamp.from(
        Instant.parse("2026-03-29T00:30:00Z")), click);
      mover.commit();
      install.get(30, java.util.concurrent.TimeUnit.SECONDS);
      mover.setAutoCommit(true);
      assertThat(StatsReference.differences(mover, project)).isEmpty();
      assertThat(StatsReference.windowDifferences(mover, project, Instant.parse("2026-03-29T00:00:00Z"), null))
        .isEmpty();
    }
  }

  /** Waits until a backend waits for a lock on {@code table} (pg_locks), as the test's other transaction must. */
  private static void awaitWaiting(Connection c, String table) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (var ps = c.prepareStatement("SELECT count(*) FROM pg_locks WHERE NOT granted AND (relation = ?::regclass"
        + " OR locktype = 'transactionid')")) {
        ps.setString(1, table);
        try (var rs = ps.executeQuery()) {
          rs.next();
          if (rs.getLong(1) > 0) {
            return;
          }
        }
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("no backend waited for a lock on " + table);
  }

  /** An instant near an edge: a UTC or local midnight of a DST-change day, or the change itself, nudged. */
  private static Instant edge(Random rnd) {
    ZoneId zone = ZONES.get(rnd.nextInt(ZONES.size()));
    LocalDate day = DAYS.get(rnd.nextInt(DAYS.size())).plusDays(rnd.nextInt(3) - 1);
    Instant base = day.atStartOfDay(zone).toInstant();
    var change = zone.getRules().nextTransition(base.minus(Duration.ofDays(2)));
    if (change != null && rnd.nextInt(5) == 0) {
      base = change.getInstant();
    }
    return base.plusMillis(NUDGES_MS[rnd.nextInt(NUDGES_MS.length)]);
  }

  /** A window [from, to) of a random kind: local whole days of a zone, two instants, or open at one end. */
  private static Instant[] window(Random rnd) {
    ZoneId zone = ZONES.get(rnd.nextInt(ZONES.size()));
    Instant a;
    Instant b;
    if (rnd.nextBoolean()) {
      LocalDate from = DAYS.get(rnd.nextInt(DAYS.size())).plusDays(rnd.nextInt(3) - 1);
      a = from.atStartOfDay(zone).toInstant();
      b = from.plusDays(rnd.nextInt(40)).atStartOfDay(zone).toInstant();
    } else {
      a = edge(rnd);
      b = edge(rnd);
    }
    if (a.isAfter(b)) {
      Instant t = a;
      a = b;
      b = t;
    }
    int open = rnd.nextInt(8);
    return new Instant[] {open == 0 ? null : a, open == 1 ? null : b};
  }

  private static String operation(Connection c, Random rnd, List<UUID> links) throws SQLException {
    int op = rnd.nextInt(100);
    if (op < 20) {
      int n = 1 + rnd.nextInt(20);
      for (int i = 0; i < n; i++) {
        exec(c, "INSERT INTO link_clicks (link_id, clicked_at, device, os, country) VALUES (?, ?, ?, ?, ?)",
          links.get(rnd.nextInt(links.size())), Timestamp.from(edge(rnd)), one(rnd, DEVICES), one(rnd, OSES),
          one(rnd, COUNTRIES));
      }
      return "insertClicks" + n;
    } else if (op < 35) {
      return insertClickStatement(c, rnd, links);
    } else if (op < 55) {
      List<Long> clicks = ids(c, "link_clicks", links);
      int n = 1 + rnd.nextInt(6);
      for (int i = 0; i < n; i++) {
        exec(c, "INSERT INTO link_installs (link_id, click_id, kind, occurred_at) VALUES (?, ?, ?, ?)",
          links.get(rnd.nextInt(links.size())),
          clicks.isEmpty() || rnd.nextInt(4) == 0 ? null : clicks.get(rnd.nextInt(clicks.size())),
          rnd.nextInt(3) == 0 ? "reopen" : "install", Timestamp.from(edge(rnd)));
      }
      return "insertInstalls" + n;
    } else if (op < 65) {
      exec(c, "DELETE FROM link_clicks WHERE id = ANY (?)", (Object) pick(rnd, ids(c, "link_clicks", links), 4));
      return "deleteClicks";
    } else if (op < 72) {
      exec(c, "DELETE FROM link_installs WHERE id = ANY (?)", (Object) pick(rnd, ids(c, "link_installs", links), 3));
      return "deleteInstalls";
    } else if (op < 85) {
      // clicks moved in time (often across a midnight) and sometimes to another link: their matches follow
      exec(c, "UPDATE link_clicks SET clicked_at = ?, link_id = CASE WHEN random() < 0.3 THEN ? ELSE link_id END,"
          + " device = CASE WHEN random() < 0.3 THEN 'tv' ELSE device END WHERE id = ANY (?)",
        Timestamp.from(edge(rnd)), links.get(rnd.nextInt(links.size())), pick(rnd, ids(c, "link_clicks", links), 3));
      return "moveClicks";
    } else {
      List<Long> clicks = ids(c, "link_clicks", links);
      exec(c, "UPDATE link_installs SET occurred_at = ?, click_id = ?, kind = CASE WHEN random() < 0.5 THEN 'install'"
          + " ELSE 'reopen' END WHERE id = ANY (?)", Timestamp.from(edge(rnd)),
        clicks.isEmpty() || rnd.nextBoolean() ? null : clicks.get(rnd.nextInt(clicks.size())),
        pick(rnd, ids(c, "link_installs", links), 2));
      return "changeInstalls";
    }
  }

  /**
   * Many clicks in one statement, so the INSERT trigger (V17, V18) aggregates several clicks of one link and day: with
   * one value of a dimension (its map built directly), with several (counted per dimension), with NULLs beside a value.
   */
  private static String insertClickStatement(Connection c, Random rnd, List<UUID> links) throws SQLException {
    int n = 2 + rnd.nextInt(40);
    Instant[] days = {edge(rnd), edge(rnd)};
    // a third of the statements give each dimension one value (or none) for all their clicks: large groups whose map
    // is built directly; the others mix values, NULLs and empty strings
    boolean oneValue = rnd.nextInt(3) == 0;
    String[][] pools = {DEVICES, OSES, BROWSERS, COUNTRIES};
    String[] fixed = {one(rnd, DEVICES), one(rnd, OSES), one(rnd, BROWSERS), one(rnd, COUNTRIES)};
    UUID[] linkIds = new UUID[n];
    Timestamp[] times = new Timestamp[n];
    String[][] dims = new String[4][n];
    for (int i = 0; i < n; i++) {
      linkIds[i] = links.get(rnd.nextInt(2));
      times[i] = Timestamp.from(days[rnd.nextInt(2)].plusMillis(rnd.nextInt(3) * 1_000L));
      for (int d = 0; d < 4; d++) {
        dims[d][i] = oneValue ? (rnd.nextInt(4) == 0 ? null : fixed[d])
          : rnd.nextInt(3) == 0 ? fixed[d] : one(rnd, pools[d]);
      }
    }
    try (var ps = c.prepareStatement("INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)"
      + " SELECT * FROM unnest(?::uuid[], ?::timestamptz[], ?::text[], ?::text[], ?::text[], ?::text[])")) {
      ps.setArray(1, c.createArrayOf("uuid", linkIds));
      ps.setArray(2, c.createArrayOf("timestamptz", times));
      for (int d = 0; d < 4; d++) {
        ps.setArray(3 + d, c.createArrayOf("text", dims[d]));
      }
      ps.execute();
    }
    return "insertClickStatement" + n + (oneValue ? "OneValue" : "");
  }

  private static List<Long> ids(Connection c, String table, List<UUID> links) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (var ps = c.prepareStatement("SELECT id FROM " + table + " WHERE link_id = ANY (?) ORDER BY id")) {
      ps.setArray(1, c.createArrayOf("uuid", links.toArray()));
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    }
    return out;
  }

  private static Long[] pick(Random rnd, List<Long> from, int max) {
    List<Long> copy = new ArrayList<>(from);
    List<Long> out = new ArrayList<>();
    for (int n = 1 + rnd.nextInt(max); out.size() < n && !copy.isEmpty(); ) {
      out.add(copy.remove(rnd.nextInt(copy.size())));
    }
    return out.toArray(Long[]::new);
  }

  private static String one(Random rnd, String[] values) {
    return values[rnd.nextInt(values.length)];
  }
}
