package io.linkexport.db;

import io.linkexport.support.TestServices;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.UUID;

import static io.linkexport.db.RollupPropertyIT.connect;
import static io.linkexport.db.RollupPropertyIT.createProject;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures what the rollup triggers cost bulk click ingestion: 1,000,000 clicks in 10 statements spread uniformly over
 * {@code -Dbench.links} links (default 10,000: the worst case, every batch touches almost every (link, dimension,
 * value) counter), with the triggers on and off. Not part of the default run (tag "bench"):
 * {@code mvn verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=RollupIngestBenchIT -Dit.excludedGroups=}.
 * It disables the user triggers of link_clicks for a while, so never run it next to other tests.
 */
@Tag("bench")
class RollupIngestBenchIT {

  private static final int LINKS = Integer.getInteger("bench.links", 10_000);

  private static final String INSERT = """
    INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)
    SELECT ids[1 + floor(random() * cardinality(ids))::int], now() - random() * interval '90 days',
           (ARRAY['desktop', 'mobile', 'tablet', NULL])[1 + floor(random() * 4)::int],
           (ARRAY['iOS', 'Android', 'Windows', 'macOS', 'Linux', NULL])[1 + floor(random() * 6)::int],
           (ARRAY['Chrome', 'Safari', 'Firefox', 'Edge', NULL])[1 + floor(random() * 5)::int],
           (ARRAY['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'CA', 'JP', 'ES', 'NL', 'IT', 'SE', NULL])[1 + floor(random() * 13)::int]
    FROM (SELECT ARRAY(SELECT id FROM links WHERE project_id = ?) AS ids) l, generate_series(1, ?)
    """;

  @Test
  void triggersCostAtMostTwiceTheIngestion() throws Exception {
    try (Connection c = connect()) {
      long off = ingest(c, false);
      long on = ingest(c, true);
      long off2 = ingest(c, false);
      long on2 = ingest(c, true);
      double ratio = (double) (on + on2) / (off + off2);
      System.out.printf("rollup ingest bench: 1M clicks/10 batches over " + LINKS + " links, triggers off %d ms / %d ms, on %d ms / %d ms, ratio %.2f%n",
        off, off2, on, on2, ratio);
      assertThat(ratio).isLessThanOrEqualTo(2.0);
    }
  }

  private long ingest(Connection c, boolean triggers) throws Exception {
    UUID project = createProject(c);
    try (Statement st = c.createStatement()) {
      st.execute("INSERT INTO links (project_id, domain, slug, url) SELECT '" + project + "', 'bench.test', '"
        + project + "-' || i, 'https://x.test' FROM generate_series(1, " + LINKS + ") i");
      st.execute("ANALYZE links");
      if (!triggers) {
        st.execute("ALTER TABLE link_clicks DISABLE TRIGGER USER");
      }
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      long started = System.nanoTime();
      for (int batch = 0; batch < 10; batch++) {
        ps.setObject(1, project);
        ps.setInt(2, 100_000);
        ps.executeUpdate();
      }
      return (System.nanoTime() - started) / 1_000_000;
    } finally {
      try (Statement st = c.createStatement()) {
        st.execute("ALTER TABLE link_clicks ENABLE TRIGGER USER");
      }
    }
  }
}
