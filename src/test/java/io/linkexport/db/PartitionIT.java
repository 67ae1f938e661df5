package io.linkexport.db;

import io.linkexport.support.StatsReference;
import io.linkexport.support.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.linkexport.db.RollupPropertyIT.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The raw events partitioned by UTC month (V13): partitions exist ahead, a late partition takes its month's rows out
 * of the default one without touching the rollups, a window's edge reads one partition, and the references into
 * event tables (formerly foreign keys) check, wait and act as the keys did. Archiving is in {@code ArchiveEventsIT}.
 */
class PartitionIT {

  private static final List<String> TABLES = List.of("link_clicks", "link_installs", "link_leads", "link_sales");

  /** Verifies that the previous, current and next three UTC months have a partition in every event table. */
  @Test
  void theComingMonthsArePartitionedInEveryEventTable() throws Exception {
    TestServices.get();
    try (Connection c = RollupPropertyIT.connect()) {
      one(c, "SELECT event_partitions_ensure()"); // the month may have changed since the migration
      YearMonth now = YearMonth.now(ZoneOffset.UTC);
      for (String table : TABLES) {
        List<String> parts = strings(c, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
          + " WHERE i.inhparent = ?::regclass", table);
        assertThat(parts).as(table).contains(table + "_default");
        for (int m = -1; m <= 3; m++) {
          YearMonth month = now.plusMonths(m);
          assertThat(parts).as(table).contains(String.format("%s_%d_%02d", table, month.getYear(),
            month.getMonthValue()));
        }
      }
    }
  }

  /**
   * Verifies that a partition created for a month whose events are already in the default partition (a far-future
   * click and its install) takes them, and that no count of the link changes: lifetime, day rows, window.
   */
  @Test
  void aNewPartitionTakesItsMonthFromTheDefaultWithoutChangingACount() throws Exception {
    TestServices.get();
    try (Connection c = RollupPropertyIT.connect()) {
      UUID project = RollupPropertyIT.createProject(c);
      UUID link = RollupPropertyIT.createLinks(c, project, 1).get(0);
      YearMonth month = YearMonth.now(ZoneOffset.UTC).plusMonths(9);
      Instant at = month.atDay(3).atTime(10, 0).toInstant(ZoneOffset.UTC);
      exec(c, "INSERT INTO link_clicks (link_id, clicked_at, device, country) VALUES (?, ?, 'mobile', 'DE')", link,
        Timestamp.from(at));
      long click = one(c, "SELECT max(id) FROM link_clicks WHERE link_id = ?", link);
      exec(c, "INSERT INTO link_installs (link_id, click_id, kind, occurred_at) VALUES (?, ?, 'install', ?)", link,
        click, Timestamp.from(at.plusSeconds(60)));
      assertThat(strings(c, "SELECT tableoid::regclass::text FROM link_clicks WHERE id = ?", click))
        .containsExactly("link_clicks_default");
      List<String> before = strings(c, "SELECT row(s.*)::text FROM link_day_stats s WHERE link_id = ?", link);

      long created = one(c, "SELECT event_partitions_ensure(?::date, ?::date)", month.atDay(1).toString(),
        month.plusMonths(1).atDay(1).toString());

      assertThat(created).isEqualTo(TABLES.size());
      String suffix = String.format("_%d_%02d", month.getYear(), month.getMonthValue());
      assertThat(strings(c, "SELECT tableoid::regclass::text FROM link_clicks WHERE id = ?", click))
        .containsExactly("link_clicks" + suffix);
      assertThat(strings(c, "SELECT tableoid::regclass::text FROM link_installs WHERE click_id = ?", click))
        .containsExactly("link_installs" + suffix);
      assertThat(strings(c, "SELECT row(s.*)::text FROM link_day_stats s WHERE link_id = ?", link))
        .isEqualTo(before).hasSize(1);
      assertThat(one(c, "SELECT attributed_clicks FROM link_stats WHERE link_id = ?", link)).isEqualTo(1);
      assertThat(StatsReference.differences(c, project)).isEmpty();
      assertThat(StatsReference.windowDifferences(c, project, at.minusSeconds(3600), at.plusSeconds(3600)))
        .isEmpty();
      assertThat(one(c, "SELECT event_partitions_ensure(?::date, ?::date)", month.atDay(1).toString(),
        month.plusMonths(1).atDay(1).toString())).as("a second call creates nothing").isZero();
    }
  }

  /**
   * Verifies that the raw part of a window (an edge inside a day) reads one month's partition: pruned when the plan
   * is made for its values, and at execution start in the generic plan of a prepared statement.
   */
  @Test
  void anEdgeReadsOnePartition() throws Exception {
    TestServices.get();
    try (Connection c = RollupPropertyIT.connect()) {
      one(c, "SELECT event_partitions_ensure()"); // the month may have changed since the migration
      String month = partitionOf(YearMonth.now(ZoneOffset.UTC));
      String edge = "SELECT count(*) FROM link_clicks WHERE link_id = ? AND clicked_at >= ? AND clicked_at < ?";
      Instant from = YearMonth.now(ZoneOffset.UTC).atDay(2).atTime(23, 0).toInstant(ZoneOffset.UTC);
      String custom = String.join("\n", strings(c, "EXPLAIN " + edge, UUID.randomUUID(), Timestamp.from(from),
        Timestamp.from(from.plusSeconds(3600))));
      assertThat(scans(custom)).as(custom).containsExactly("link_clicks_" + month);

      exec(c, "SET plan_cache_mode = force_generic_plan");
      exec(c, "PREPARE edge (uuid, timestamptz, timestamptz) AS " + edge.replaceFirst("\\?", "\\$1")
        .replaceFirst("\\?", "\\$2").replaceFirst("\\?", "\\$3"));
      String generic = String.join("\n", strings(c, "EXPLAIN (ANALYZE, COSTS OFF) EXECUTE edge ('"
        + UUID.randomUUID() + "', '" + from + "', '" + from.plusSeconds(3600) + "')"));
      exec(c, "DEALLOCATE edge");
      exec(c, "RESET plan_cache_mode");
      assertThat(generic).as(generic).contains("Subplans Removed");
      assertThat(scans(generic)).as(generic).containsExactly("link_clicks_" + month);
    }
  }

  /**
   * Verifies the references that were foreign keys: a missing click or lead is a foreign_key_violation (23503); a
   * deleted click leaves its install and lead without one (and the attributed count drops); a lead moved to another
   * link takes its sale along; a deleted lead leaves its sale without one; a click moved to another month keeps its
   * install; an event id cannot change.
   */
  @Test
  void theReferencesIntoEventTablesActAsTheirForeignKeysDid() throws Exception {
    TestServices.get();
    try (Connection c = RollupPropertyIT.connect()) {
      one(c, "SELECT event_partitions_ensure(date '2026-10-01', date '2026-12-01')"); // whatever the date today
      UUID project = RollupPropertyIT.createProject(c);
      List<UUID> links = RollupPropertyIT.createLinks(c, project, 2);
      UUID a = links.get(0);
      UUID b = links.get(1);
      long missing = one(c, "SELECT coalesce(max(id), 0) + 1000000 FROM link_clicks");
      assertSqlState(() -> exec(c, "INSERT INTO link_installs (link_id, click_id, kind) VALUES (?, ?, 'install')", a,
        missing), "23503");
      assertSqlState(() -> exec(c, "INSERT INTO link_leads (link_id, click_id) VALUES (?, ?)", a, missing), "23503");

      exec(c, "INSERT INTO link_clicks (link_id, clicked_at) VALUES (?, '2026-10-31T23:59:00Z')", a);
      long click = one(c, "SELECT max(id) FROM link_clicks WHERE link_id = ?", a);
      exec(c, "INSERT INTO link_installs (link_id, click_id, kind) VALUES (?, ?, 'install')", a, click);
      exec(c, "INSERT INTO link_leads (link_id, click_id, customer_id) VALUES (?, ?, 'cus_1')", a, click);
      long lead = one(c, "SELECT max(id) FROM link_leads WHERE link_id = ?", a);
      assertSqlState(() -> exec(c, "INSERT INTO link_sales (link_id, lead_id, amount) VALUES (?, ?, 100)", b, lead),
        "23503");
      exec(c, "INSERT INTO link_sales (link_id, lead_id, amount) VALUES (?, ?, 100)", a, lead);
      long sale = one(c, "SELECT max(id) FROM link_sales WHERE link_id = ?", a);

      // the click crosses into November's partition: its install still carries it, and it counts on its new day
      exec(c, "UPDATE link_clicks SET clicked_at = '2026-11-01T00:01:00Z' WHERE id = ?", click);
      assertThat(strings(c, "SELECT tableoid::regclass::text FROM link_clicks WHERE id = ?", click))
        .containsExactly("link_clicks_2026_11");
      assertThat(one(c, "SELECT count(*) FROM link_installs WHERE click_id = ?", click)).isEqualTo(1);
      assertThat(one(c, "SELECT attributed_clicks FROM link_stats WHERE link_id = ?", a)).isEqualTo(1);
      assertThat(StatsReference.windowDifferences(c, project, Instant.parse("2026-11-01T00:00:00Z"), null)).isEmpty();

      exec(c, "UPDATE link_leads SET link_id = ? WHERE id = ?", b, lead);
      assertThat(strings(c, "SELECT link_id::text FROM link_sales WHERE id = ?", sale)).containsExactly(b.toString());
      assertThat(one(c, "SELECT sales FROM link_stats WHERE link_id = ?", b)).isEqualTo(1);
      // ids are GENERATED ALWAYS (an explicit value is refused), and not even DEFAULT may replace one
      assertSqlState(() -> exec(c, "UPDATE link_clicks SET id = id + 1000000 WHERE id = ?", click), "428C9");
      assertSqlState(() -> exec(c, "UPDATE link_clicks SET id = DEFAULT WHERE id = ?", click), "23503");
      assertSqlState(() -> exec(c, "UPDATE link_leads SET id = DEFAULT WHERE id = ?", lead), "23503");

      exec(c, "DELETE FROM link_clicks WHERE id = ?", click);
      assertThat(one(c, "SELECT count(*) FROM link_installs WHERE link_id = ? AND click_id IS NULL", a)).isEqualTo(1);
      assertThat(one(c, "SELECT count(*) FROM link_leads WHERE id = ? AND click_id IS NULL", lead)).isEqualTo(1);
      assertThat(one(c, "SELECT attributed_clicks FROM link_stats WHERE link_id = ?", a)).isZero();

      exec(c, "DELETE FROM link_leads WHERE id = ?", lead);
      assertThat(one(c, "SELECT count(*) FROM link_sales WHERE id = ? AND lead_id IS NULL AND link_id = ?", sale, b))
        .isEqualTo(1);
      assertThat(StatsReference.differences(c, project)).isEmpty();
    }
  }

  /**
   * Verifies that deleting a click waits for a transaction that is inserting an install carrying it, and then clears
   * the committed install's reference (the check locks the click as the foreign key did), so no reference dangles.
   */
  @Test
  void aClickDeleteWaitsForAnInstallThatCarriesIt() throws Exception {
    TestServices.get();
    try (Connection installer = RollupPropertyIT.connect(); Connection deleter = RollupPropertyIT.connect()) {
      UUID project = RollupPropertyIT.createProject(installer);
      UUID link = RollupPropertyIT.createLinks(installer, project, 1).get(0);
      exec(installer, "INSERT INTO link_clicks (link_id) VALUES (?)", link);
      long click = one(installer, "SELECT max(id) FROM link_clicks WHERE link_id = ?", link);
      long deleterPid = one(deleter, "SELECT pg_backend_pid()");
      installer.setAutoCommit(false);
      exec(installer, "INSERT INTO link_installs (link_id, click_id, kind) VALUES (?, ?, 'install')", link, click);
      CompletableFuture<Void> delete = CompletableFuture.runAsync(() -> {
        try {
          exec(deleter, "DELETE FROM link_clicks WHERE id = ?", click);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      awaitBlocked(installer, deleterPid);
      assertThat(delete).isNotDone();
      installer.commit();
      delete.get(30, TimeUnit.SECONDS);
      installer.setAutoCommit(true);
      assertThat(one(installer, "SELECT count(*) FROM link_installs WHERE link_id = ? AND click_id IS NULL", link))
        .isEqualTo(1);
      assertThat(StatsReference.differences(installer, project)).isEmpty();
    }
  }

  /**
   * Verifies that an install whose click is moved to another month's partition while the install waits for it goes on
   * with the moved click (Postgres fails such a wait with 40001 even in READ COMMITTED; the trigger tries again) and
   * that the attributed click counts on the click's new day.
   */
  @Test
  void anInstallWaitingForAClickMovedToAnotherMonthGoesOn() throws Exception {
    TestServices.get();
    try (Connection mover = RollupPropertyIT.connect(); Connection installer = RollupPropertyIT.connect()) {
      one(mover, "SELECT event_partitions_ensure(date '2026-10-01', date '2026-12-01')");
      UUID project = RollupPropertyIT.createProject(mover);
      UUID link = RollupPropertyIT.createLinks(mover, project, 1).get(0);
      exec(mover, "INSERT INTO link_clicks (link_id, clicked_at) VALUES (?, '2026-10-31T23:30:00Z')", link);
      long click = one(mover, "SELECT max(id) FROM link_clicks WHERE link_id = ?", link);
      long installerPid = one(installer, "SELECT pg_backend_pid()");
      mover.setAutoCommit(false);
      exec(mover, "SELECT 1 FROM link_clicks WHERE id = ? FOR UPDATE", click);
      CompletableFuture<Void> install = CompletableFuture.runAsync(() -> {
        try {
          exec(installer, "INSERT INTO link_installs (link_id, click_id, kind) VALUES (?, ?, 'install')", link, click);
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      awaitBlocked(mover, installerPid);
      exec(mover, "UPDATE link_clicks SET clicked_at = '2026-11-01T00:30:00Z' WHERE id = ?", click);
      mover.commit();
      install.get(30, TimeUnit.SECONDS);
      mover.setAutoCommit(true);
      assertThat(strings(mover, "SELECT tableoid::regclass::text FROM link_clicks WHERE id = ?", click))
        .containsExactly("link_clicks_2026_11");
      assertThat(one(mover, "SELECT attributed_clicks FROM link_stats WHERE link_id = ?", link)).isEqualTo(1);
      assertThat(StatsReference.differences(mover, project)).isEmpty();
      assertThat(StatsReference.windowDifferences(mover, project, Instant.parse("2026-11-01T00:00:00Z"), null))
        .isEmpty();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------------------

  private static String partitionOf(YearMonth m) {
    return String.format("%d_%02d", m.getYear(), m.getMonthValue());
  }

  /** The partitions of link_clicks a plan scans (pruned ones are not in it, or never executed). */
  private static List<String> scans(String plan) {
    List<String> out = new ArrayList<>();
    for (String line : plan.split("\n")) {
      var m = java.util.regex.Pattern.compile(" on (link_clicks_\\w+)").matcher(line);
      if (m.find() && !line.contains("never executed") && !out.contains(m.group(1))) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** Waits until the backend {@code pid} waits for a lock another backend holds. */
  private static void awaitBlocked(Connection c, long pid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (one(c, "SELECT cardinality(pg_blocking_pids(?::int))", pid) > 0) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("backend " + pid + " never waited for a lock");
  }

  interface Sql {
    void run() throws SQLException;
  }

  private static void assertSqlState(Sql sql, String state) {
    assertThatThrownBy(sql::run).isInstanceOfSatisfying(SQLException.class,
      e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(state));
  }

  static long one(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static List<String> strings(Connection c, String sql, Object... args) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
    PreparedStatement ps = c.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }
}
