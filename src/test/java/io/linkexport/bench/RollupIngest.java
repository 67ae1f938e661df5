package io.linkexport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the rollup triggers cost bulk click ingestion: {@code events} clicks in {@code batches} INSERT statements over
 * a fresh project of {@code links} links, with the triggers off, all on, and the all-time rollups alone (V12's day
 * rollups off): rounds of (off, on, all-time only; three in the kept runs), medians compared.
 * Every leg starts from the same state: its project is deleted and the tables vacuumed afterwards (without that, a
 * leg inserted into whatever the previous leg's deleted million rows left behind, depending on when autovacuum ran,
 * and the "off" legs alone varied 4.0-6.6 s for 300,000 events).
 * Two spreads: uniform (the worst case: every batch touches nearly every (link, dimension, value) counter) and
 * skewed like real traffic (a few links get most clicks, as the seeding command spreads them). It disables the user
 * triggers of link_clicks while it runs the "off" legs, so it runs alone, at the end of the benchmark.
 *
 * <p>Sales ({@link #sales}, V10): each leg first records leads on a fresh project (skewed over its links, triggers on,
 * not timed), then times sales in batches, four fifths converting a lead (of its link, as the foreign key requires;
 * leads buy again at random) and a fifth without one, with the triggers of link_sales on and off.
 */
final class RollupIngest {

  /** {@code lifetimeMs}: with the all-time rollups on and V12's day rollups off (-1 when not measured). */
  record Result(String spread, int links, long events, int batches, long offMs, long onMs, long lifetimeMs) {
    double ratio() {
      return (double) onMs / offMs;
    }
  }

  /** The triggers of V12 (the day rollups of a metrics window) on link_clicks. */
  private static final String WINDOW_TRIGGERS = "link_clicks_window_insert";

  private static final String INSERT = """
    INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)
    SELECT ids[1 + floor(%s * cardinality(ids))::int], now() - random() * interval '%s',
           (ARRAY['desktop', 'mobile', 'tablet', NULL])[1 + floor(random() * 4)::int],
           (ARRAY['iOS', 'Android', 'Windows', 'macOS', 'Linux', NULL])[1 + floor(random() * 6)::int],
           (ARRAY['Chrome', 'Safari', 'Firefox', 'Edge', NULL])[1 + floor(random() * 5)::int],
           (ARRAY['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'CA', 'JP', 'ES', 'NL', 'IT', 'SE', NULL])[1 + floor(random() * 13)::int]
    FROM (SELECT ARRAY(SELECT id FROM links WHERE project_id = ?) AS ids) l, generate_series(1, ?)
    """;

  private static final String LEADS = """
    INSERT INTO link_leads (link_id, customer_id)
    SELECT ids[1 + floor(power(random(), 4) * cardinality(ids))::int], 'cus_' || g
    FROM (SELECT ARRAY(SELECT id FROM links WHERE project_id = ?) AS ids) l, generate_series(1, ?) g
    """;

  private static final String SALES = """
    INSERT INTO link_sales (link_id, lead_id, amount, currency)
    SELECT a.links[x.i], CASE WHEN x.r >= 0.2 THEN a.leads[x.i] END, 499 + floor(power(random(), 4) * 49500)::bigint,
           'usd'
    FROM (SELECT array_agg(e.id ORDER BY e.id) AS leads, array_agg(e.link_id ORDER BY e.id) AS links
          FROM link_leads e JOIN links k ON k.id = e.link_id WHERE k.project_id = ?) a
    CROSS JOIN LATERAL (SELECT 1 + floor(random() * cardinality(a.leads))::int AS i, random() AS r
                        FROM generate_series(1, ?)) x
    """;

  private RollupIngest() {
  }

  /** Sale ingestion: {@code events} sales in {@code batches} statements, triggers on and off, medians of rounds. */
  static Result[] sales(String jdbcUrl, int links, long events, int batches, int rounds) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      List<Long> off = new ArrayList<>();
      List<Long> on = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        off.add(ingest(c, "link_sales", SALES, LEADS, links, events, batches, "USER"));
        on.add(ingest(c, "link_sales", SALES, LEADS, links, events, batches, null));
      }
      Result r = new Result("sales (skewed)", links, events, batches, Bench.median(off, x -> x),
        Bench.median(on, x -> x), -1);
      System.out.printf("rollup ingest (sales): %,d sales in %d batches over %,d links: off %s ms, on %s ms;"
        + " medians %,d / %,d ms, ratio %.2f%n", events, batches, links, off, on, r.offMs(), r.onMs(), r.ratio());
      return new Result[] {r};
    }
  }

  static Result[] run(String jdbcUrl, int links, long events, int batches, int rounds) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      return new Result[] {
        measure(c, "uniform", String.format(INSERT, "random()", "90 days"), links, events, batches, rounds),
        measure(c, "skewed", String.format(INSERT, "power(random(), 4)", "90 days"), links, events, batches, rounds),
        // as clicks arrive: the last hour, so a statement touches one or two days of each link
        measure(c, "skewed, last hour", String.format(INSERT, "power(random(), 4)", "1 hour"), links, events, batches,
          rounds)};
    }
  }

  private static Result measure(Connection c, String spread, String insert, int links, long events, int batches,
                                int rounds) throws Exception {
    List<Long> off = new ArrayList<>();
    List<Long> on = new ArrayList<>();
    List<Long> lifetime = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      off.add(ingest(c, "link_clicks", insert, null, links, events, batches, "USER"));
      on.add(ingest(c, "link_clicks", insert, null, links, events, batches, null));
      lifetime.add(ingest(c, "link_clicks", insert, null, links, events, batches, WINDOW_TRIGGERS));
    }
    Result r = new Result(spread, links, events, batches, Bench.median(off, x -> x), Bench.median(on, x -> x),
      Bench.median(lifetime, x -> x));
    System.out.printf("rollup ingest (%s): %,d clicks in %d batches over %,d links: off %s ms, all on %s ms, all-time"
        + " only %s ms; medians %,d / %,d / %,d ms, ratio %.2f%n", spread, events, batches, links, off, on, lifetime,
      r.offMs(), r.onMs(), r.lifetimeMs(), r.ratio());
    return r;
  }

  /**
   * One leg: a fresh project of {@code links} links ({@code setup}, untimed, when given: the leads sales convert,
   * events / 2 of them), then {@code events} rows into {@code table} by {@code insert} in {@code batches} statements,
   * with the triggers {@code disabled} off ({@code USER}: all of them; null: none); answers the milliseconds of the
   * inserts.
   */
  private static long ingest(Connection c, String table, String insert, String setup, int links, long events,
                             int batches, String disabled) throws Exception {
    UUID project = UUID.randomUUID();
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO projects (id, name) VALUES ('" + project + "', 'rollup ingest bench')");
      st.execute("INSERT INTO links (project_id, domain, slug, url) SELECT '" + project + "', 'bench.test', '"
        + project + "-' || i, 'https://x.test' FROM generate_series(1, " + links + ") i");
      st.execute("ANALYZE links");
    }
    if (setup != null) {
      try (PreparedStatement ps = c.prepareStatement(setup)) {
        ps.setObject(1, project);
        ps.setLong(2, events / 2);
        ps.executeUpdate();
      }
      try (Statement st = c.createStatement()) {
        st.execute("ANALYZE link_leads");
      }
    }
    try (Statement st = c.createStatement()) {
      st.execute("CHECKPOINT");
      if (disabled != null) {
        st.execute("ALTER TABLE " + table + " DISABLE TRIGGER " + disabled);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      long started = System.nanoTime();
      for (int batch = 0; batch < batches; batch++) {
        ps.setObject(1, project);
        ps.setLong(2, events / batches);
        ps.executeUpdate();
      }
      return (System.nanoTime() - started) / 1_000_000;
    } finally {
      try (Statement st = c.createStatement()) {
        st.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
        // Leave no bench project behind (cascades to links, events and rollups).
        st.execute("DELETE FROM projects WHERE id = '" + project + "'");
        st.execute("VACUUM link_clicks, link_leads, link_sales, link_lead_sales, link_stats, link_day_stats, links");
      }
    }
  }
}
