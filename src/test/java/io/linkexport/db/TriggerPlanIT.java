package io.linkexport.db;

import io.linkexport.support.TestServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

import static io.linkexport.db.RollupPropertyIT.exec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies that a session's bulk INSERT of clicks is not slowed by the session's earlier one-click INSERT: the
 * statement-level triggers that keep the rollups (V17) plan their statement at every firing. With the static
 * statements of V6, Postgres kept the plan of the session's first firing, sized for a transition table of one row:
 * 20,000 clicks after one took 68 s against 1.6 s in a fresh session on the bench database (nested loops); here, 20,000
 * clicks over 2,000 links took 6.7 s against 0.5 s. The bound (four times the fresh session's time plus 1 s) leaves a
 * loaded machine room; the bug grows with the square of the statement, so at 30,000 clicks it costs about 30 times.
 */
class TriggerPlanIT {

  private static final int CLICKS = 30_000;

  @Test
  void aBulkInsertAfterAOneClickInsertTakesAsLongAsInAFreshSession() throws Exception {
    TestServices.get();
    long fresh;
    try (Connection c = RollupPropertyIT.connect()) {
      fresh = bulkInsertMillis(c, project(c));
    }
    long afterOne;
    try (Connection c = RollupPropertyIT.connect()) {
      UUID project = project(c);
      exec(c, "INSERT INTO link_clicks (link_id, clicked_at, device)"
        + " SELECT id, now(), 'mobile' FROM links WHERE project_id = ? LIMIT 1", project);
      afterOne = bulkInsertMillis(c, project);
    }
    assertThat(afterOne).as("%,d clicks after a one-click INSERT (%d ms in a fresh session)", CLICKS, fresh)
      .isLessThan(4 * fresh + 1_000);
  }

  private static UUID project(Connection c) throws SQLException {
    UUID project = RollupPropertyIT.createProject(c);
    exec(c, "INSERT INTO links (project_id, domain, slug, url) SELECT ?, 'plan.test', ? || '-' || i, 'https://x.test'"
      + " FROM generate_series(1, 2000) i", project, project.toString());
    return project;
  }

  /** Clicks of the last hour over the project's links, a few links getting most (as live traffic arrives). */
  private static long bulkInsertMillis(Connection c, UUID project) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
      INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)
      SELECT ids[1 + floor(power(random(), 4) * cardinality(ids))::int], now() - random() * interval '1 hour',
             (ARRAY['desktop', 'mobile', 'tablet', NULL])[1 + floor(random() * 4)::int],
             (ARRAY['iOS', 'Android', 'Windows', NULL])[1 + floor(random() * 4)::int],
             (ARRAY['Chrome', 'Safari', 'Firefox', NULL])[1 + floor(random() * 4)::int],
             (ARRAY['US', 'GB', 'DE', 'FR', 'IN', NULL])[1 + floor(random() * 6)::int]
      FROM (SELECT ARRAY(SELECT id FROM links WHERE project_id = ?) AS ids) l, generate_series(1, ?)
      """)) {
      ps.setObject(1, project);
      ps.setInt(2, CLICKS);
      long started = System.nanoTime();
      ps.executeUpdate();
      return (System.nanoTime() - started) / 1_000_000;
    }
  }
}
