package io.linkexport.support;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The rollups recomputed the plain way, straight from the raw tables, compared with what the triggers maintain. Written
 * independently of V2 (no helper table is read to compute an expectation), so that a bug in the triggers cannot hide
 * behind the same bug here.
 */
public final class StatsReference {

  /** Each row is "expected" or "actual" plus a row that is only on that side; empty means equal. */
  private static final String STATS_DIFF = """
    WITH expected AS (
      SELECT l.id AS link_id, l.project_id,
        (SELECT count(*) FROM link_clicks c WHERE c.link_id = l.id) AS clicks,
        (SELECT count(*) FROM link_installs i WHERE i.link_id = l.id AND i.kind = 'install') AS new_installs,
        (SELECT count(*) FROM link_installs i WHERE i.link_id = l.id AND i.kind = 'reopen') AS returning_users,
        (SELECT count(DISTINCT i.click_id) FROM link_installs i WHERE i.link_id = l.id) AS attributed_clicks,
        (SELECT max(c.clicked_at) FROM link_clicks c WHERE c.link_id = l.id) AS last_clicked_at,
        (SELECT c.device FROM link_clicks c WHERE c.link_id = l.id AND c.device IS NOT NULL
           GROUP BY c.device ORDER BY count(*) DESC, c.device COLLATE "C" LIMIT 1) AS top_device,
        (SELECT c.os FROM link_clicks c WHERE c.link_id = l.id AND c.os IS NOT NULL
           GROUP BY c.os ORDER BY count(*) DESC, c.os COLLATE "C" LIMIT 1) AS top_os,
        (SELECT c.browser FROM link_clicks c WHERE c.link_id = l.id AND c.browser IS NOT NULL
           GROUP BY c.browser ORDER BY count(*) DESC, c.browser COLLATE "C" LIMIT 1) AS top_browser,
        (SELECT c.country FROM link_clicks c WHERE c.link_id = l.id AND c.country IS NOT NULL
           GROUP BY c.country ORDER BY count(*) DESC, c.country COLLATE "C" LIMIT 1) AS top_country,
        (SELECT count(*) FROM link_leads e WHERE e.link_id = l.id) AS leads,
        -- the link's leads that have at least one sale, counted from the leads' side
        (SELECT count(*) FROM link_leads e WHERE e.link_id = l.id
           AND EXISTS (SELECT 1 FROM link_sales x WHERE x.lead_id = e.id)) AS conversions,
        (SELECT count(*) FROM link_sales x WHERE x.link_id = l.id) AS sales,
        (SELECT coalesce(sum(x.amount), 0) FROM link_sales x WHERE x.link_id = l.id) AS sale_amount
      FROM links l WHERE l.project_id = ?
    ),
    actual AS (
      SELECT s.link_id, s.project_id, s.clicks, s.new_installs, s.returning_users, s.attributed_clicks,
             s.last_clicked_at, s.top_device, s.top_os, s.top_browser, s.top_country, s.leads, s.conversions,
             s.sales, s.sale_amount
      FROM link_stats s
      WHERE s.project_id = ? OR s.link_id IN (SELECT id FROM links WHERE project_id = ?)
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 1
    """;

  private static final String DIMS_DIFF = """
    WITH expected AS (
      SELECT c.link_id, v.dim, v.value, count(*) AS n
      FROM link_clicks c JOIN links l ON l.id = c.link_id
      CROSS JOIN LATERAL (VALUES ('device', c.device), ('os', c.os), ('browser', c.browser), ('country', c.country))
        v(dim, value)
      WHERE l.project_id = ? AND v.value IS NOT NULL
      GROUP BY 1, 2, 3
    ),
    actual AS (
      SELECT s.link_id, CASE left(e.key, 1) WHEN 'd' THEN 'device' WHEN 'o' THEN 'os' WHEN 'b' THEN 'browser'
             ELSE 'country' END, substr(e.key, 3), e.value::bigint
      FROM link_stats s JOIN links l ON l.id = s.link_id CROSS JOIN LATERAL jsonb_each_text(s.dim_counts) e
      WHERE l.project_id = ?
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 3, 4, 1
    """;

  private static final String MATCHES_DIFF = """
    WITH expected AS (
      SELECT i.link_id, i.click_id, count(*) AS n
      FROM link_installs i JOIN links l ON l.id = i.link_id
      WHERE l.project_id = ? AND i.click_id IS NOT NULL
      GROUP BY 1, 2
    ),
    actual AS (
      SELECT m.link_id, m.click_id, m.n FROM link_click_matches m JOIN links l ON l.id = m.link_id
      WHERE l.project_id = ?
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 3, 1
    """;

  private static final String LEAD_SALES_DIFF = """
    WITH expected AS (
      SELECT x.link_id, x.lead_id, count(*) AS n
      FROM link_sales x JOIN links l ON l.id = x.link_id
      WHERE l.project_id = ? AND x.lead_id IS NOT NULL
      GROUP BY 1, 2
    ),
    actual AS (
      SELECT m.link_id, m.lead_id, m.n FROM link_lead_sales m JOIN links l ON l.id = m.link_id
      WHERE l.project_id = ?
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 3, 1
    """;

  /** The day rollups (V12), per link and UTC day: the events of that day, counted from the raw tables. */
  private static final String DAYS_DIFF = """
    WITH ev AS (
      SELECT c.link_id, (c.clicked_at AT TIME ZONE 'UTC')::date AS day, 1 AS clicks, 0 AS installs, 0 AS reopens,
             0 AS attributed
      FROM link_clicks c JOIN links l ON l.id = c.link_id WHERE l.project_id = ?
      UNION ALL
      SELECT i.link_id, (i.occurred_at AT TIME ZONE 'UTC')::date, 0, (i.kind = 'install')::int,
             (i.kind = 'reopen')::int, 0
      FROM link_installs i JOIN links l ON l.id = i.link_id WHERE l.project_id = ?
      UNION ALL
      -- an attributed click counts on the day of the click, once per link whose installs carry it
      SELECT x.link_id, (c.clicked_at AT TIME ZONE 'UTC')::date, 0, 0, 0, 1
      FROM (SELECT DISTINCT i.link_id, i.click_id FROM link_installs i JOIN links l ON l.id = i.link_id
            WHERE l.project_id = ? AND i.click_id IS NOT NULL) x
      JOIN link_clicks c ON c.id = x.click_id
    ),
    expected AS (
      SELECT link_id, day, sum(clicks) AS clicks, sum(installs) AS installs, sum(reopens) AS reopens,
             sum(attributed) AS attributed
      FROM ev GROUP BY 1, 2
    ),
    actual AS (
      SELECT d.link_id, d.day, d.clicks, d.new_installs, d.returning_users, d.attributed_clicks
      FROM link_day_stats d JOIN links l ON l.id = d.link_id
      WHERE l.project_id = ?
        AND (d.clicks <> 0 OR d.new_installs <> 0 OR d.returning_users <> 0 OR d.attributed_clicks <> 0)
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 3, 1
    """;

  private static final String DAY_DIMS_DIFF = """
    WITH expected AS (
      SELECT c.link_id, (c.clicked_at AT TIME ZONE 'UTC')::date AS day, v.dim, v.value, count(*) AS n
      FROM link_clicks c JOIN links l ON l.id = c.link_id
      CROSS JOIN LATERAL (VALUES ('d', c.device), ('o', c.os), ('b', c.browser), ('c', c.country)) v(dim, value)
      WHERE l.project_id = ? AND v.value IS NOT NULL
      GROUP BY 1, 2, 3, 4
    ),
    actual AS (
      SELECT d.link_id, d.day, left(e.key, 1), substr(e.key, 3), e.value::bigint
      FROM link_day_stats d JOIN links l ON l.id = d.link_id CROSS JOIN LATERAL jsonb_each_text(d.dim_counts) e
      WHERE l.project_id = ?
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 3, 4, 5, 1
    """;

  /**
   * The analytics of every link of a project in the window [$2, $3) (NULL: open), aggregated from the raw events in
   * the window (the oracle of issue 19), against link_window_stats.
   */
  private static final String WINDOW_DIFF = """
    WITH w AS (SELECT coalesce(?::timestamptz, '-infinity') AS f, coalesce(?::timestamptz, 'infinity') AS t),
    c AS (SELECT c.* FROM link_clicks c, w WHERE c.clicked_at >= w.f AND c.clicked_at < w.t),
    expected AS (
      SELECT l.id AS link_id,
        (SELECT count(*) FROM c WHERE c.link_id = l.id) AS clicks,
        (SELECT count(*) FROM link_installs i, w WHERE i.link_id = l.id AND i.kind = 'install'
           AND i.occurred_at >= w.f AND i.occurred_at < w.t) AS new_installs,
        (SELECT count(*) FROM link_installs i, w WHERE i.link_id = l.id AND i.kind = 'reopen'
           AND i.occurred_at >= w.f AND i.occurred_at < w.t) AS returning_users,
        (SELECT count(DISTINCT i.click_id) FROM link_installs i JOIN c ON c.id = i.click_id
           WHERE i.link_id = l.id) AS attributed_clicks,
        (SELECT c.device FROM c WHERE c.link_id = l.id AND c.device IS NOT NULL
           GROUP BY c.device ORDER BY count(*) DESC, c.device COLLATE "C" LIMIT 1) AS top_device,
        (SELECT c.os FROM c WHERE c.link_id = l.id AND c.os IS NOT NULL
           GROUP BY c.os ORDER BY count(*) DESC, c.os COLLATE "C" LIMIT 1) AS top_os,
        (SELECT c.browser FROM c WHERE c.link_id = l.id AND c.browser IS NOT NULL
           GROUP BY c.browser ORDER BY count(*) DESC, c.browser COLLATE "C" LIMIT 1) AS top_browser,
        (SELECT c.country FROM c WHERE c.link_id = l.id AND c.country IS NOT NULL
           GROUP BY c.country ORDER BY count(*) DESC, c.country COLLATE "C" LIMIT 1) AS top_country,
        (SELECT max(c.clicked_at) FROM c WHERE c.link_id = l.id) AS last_clicked_at
      FROM links l WHERE l.project_id = ?
    ),
    actual AS (
      SELECT s.link_id, s.clicks, s.new_installs, s.returning_users, s.attributed_clicks, s.top_device, s.top_os,
             s.top_browser, s.top_country, s.last_clicked_at
      FROM link_window_stats(?, ?, ?) s
    )
    (SELECT 'expected' AS side, * FROM (SELECT * FROM expected EXCEPT SELECT * FROM actual) a)
    UNION ALL
    (SELECT 'actual', * FROM (SELECT * FROM actual EXCEPT SELECT * FROM expected) b)
    ORDER BY 2, 1
    """;

  private StatsReference() {
  }

  /**
   * Every difference between link_window_stats for [from, to) (null: open) and the oracle's aggregation of the raw
   * events in that window; empty when equal.
   */
  public static List<String> windowDifferences(Connection c, UUID projectId, java.time.Instant from,
                                               java.time.Instant to) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(WINDOW_DIFF)) {
      Object f = from == null ? null : from.atOffset(java.time.ZoneOffset.UTC);
      Object t = to == null ? null : to.atOffset(java.time.ZoneOffset.UTC);
      ps.setObject(1, f, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(2, t, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(3, projectId);
      ps.setObject(4, projectId);
      ps.setObject(5, f, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(6, t, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
      read(ps, "window [" + from + ", " + to + ")", out);
    }
    return out;
  }

  /**
   * Every difference between the maintained rollups of a project (link_stats with its dimension counters and
   * conversions, link_click_matches and link_lead_sales) and the
   * reference aggregation of its raw events, one readable line per differing row; empty when they are equal.
   */
  public static List<String> differences(Connection c, UUID projectId) throws SQLException {
    List<String> out = new ArrayList<>();
    out.addAll(diff(c, "link_stats", STATS_DIFF, projectId, 3));
    out.addAll(diff(c, "link_stats.dim_counts", DIMS_DIFF, projectId, 2));
    out.addAll(diff(c, "link_click_matches", MATCHES_DIFF, projectId, 2));
    out.addAll(diff(c, "link_lead_sales", LEAD_SALES_DIFF, projectId, 2));
    out.addAll(diff(c, "link_day_stats", DAYS_DIFF, projectId, 4));
    out.addAll(diff(c, "link_day_stats.dim_counts", DAY_DIMS_DIFF, projectId, 2));
    return out;
  }

  private static List<String> diff(Connection c, String table, String sql, UUID projectId, int params)
    throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 1; i <= params; i++) {
        ps.setObject(i, projectId);
      }
      read(ps, table, out);
    }
    return out;
  }

  private static void read(PreparedStatement ps, String table, List<String> out) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder line = new StringBuilder(table).append(' ');
        for (int col = 1; col <= md.getColumnCount(); col++) {
          line.append(col == 1 ? "" : " ").append(md.getColumnLabel(col)).append('=').append(rs.getString(col));
        }
        out.add(line.toString());
      }
    }
  }
}
