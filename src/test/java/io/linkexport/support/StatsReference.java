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

  private StatsReference() {
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
    return out;
  }

  private static List<String> diff(Connection c, String table, String sql, UUID projectId, int params)
    throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 1; i <= params; i++) {
        ps.setObject(i, projectId);
      }
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
    return out;
  }
}
