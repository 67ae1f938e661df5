package io.linkexport.http;

import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies the promise of cursor paging (issue 21): a client that walks every page of a 10,000-link project by
 * {@code startingAfter} sees each link that existed throughout the walk exactly once, and no link twice, in every
 * sort (descending, dub's default; ascending too for the sorts with nulls, whose keyset has a branch of its own per
 * direction), while another connection keeps inserting links (with clicks and sales, so that they land
 * anywhere in every sort, ahead of the cursor and behind it) and a third deletes links ahead of the cursor and behind
 * it. An offset page would skip a link for every deletion behind it and repeat one for every insertion.
 *
 * <p>The data has the ties and nulls the ORDER BY must break: names and creation times repeat and a tenth of the names
 * are null, most links have no clicks (a null lastClicked, clicks 0) and no sales. Inserts run on their own thread
 * all along, truly concurrent with the page queries. Deletions run between two page requests and never delete the
 * link the next request pages from: the decision is that a cursor whose link is gone is a 400 (LinksApiIT), so a test
 * that deleted it would test that instead.
 */
class CursorPagingIT {

  // 100 pages a walk, about 200 deletions and a hundred insertions during each: 50,000 links took 135-147 s of the
  // suite for the same checks, 20,000 links 68-83 s
  static final int LINKS = 10_000;
  static final int PAGE_SIZE = 100;

  static TestApp app;
  static Fixtures db;
  static Fixtures.Tenant tenant;

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    tenant = db.tenant("Cursor paging", "pro", "cursor@example.com");
    UUID project = tenant.project();
    db.exec("INSERT INTO links (project_id, domain, slug, url, name, created_at, updated_at)"
      + " SELECT ?, 'dub.sh', 'c-' || i || '-' || ?, 'https://example.com/' || i,"
      + "        CASE WHEN i % 10 = 0 THEN NULL ELSE 'Link ' || (i % 7000) END,"
      + "        timestamptz '2025-01-01' + (i % 8000) * interval '1 minute', timestamptz '2025-01-01'"
      + " FROM generate_series(1, ?) i", project, project.toString().substring(0, 8), LINKS);
    // A third of the links get clicks (1-4: many ties), a few hundred get sales (and their leads).
    db.exec("INSERT INTO link_clicks (link_id, clicked_at)"
      + " SELECT l.id, timestamptz '2025-06-01' + (abs(hashtext(l.id::text || g)) % 5000) * interval '1 hour'"
      + " FROM links l, generate_series(1, 4) g"
      + " WHERE l.project_id = ? AND abs(hashtext(l.id::text)) % 3 = 0 AND g <= 1 + abs(hashtext(l.slug)) % 4",
      project);
    db.exec("INSERT INTO link_installs (link_id, kind) SELECT l.id, 'install' FROM links l"
      + " WHERE l.project_id = ? AND abs(hashtext(l.slug)) % 11 = 0", project);
    db.exec("INSERT INTO link_sales (link_id, amount) SELECT l.id, 100 * (1 + abs(hashtext(l.slug)) % 50)"
      + " FROM links l WHERE l.project_id = ? AND abs(hashtext(l.slug)) % 97 = 0", project);
    db.exec("ANALYZE links, link_stats");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /**
   * Verifies that walking all pages by cursor, in every sort, while links are inserted and deleted, shows each link
   * that existed throughout exactly once and no link twice. Every sort descending, and ascending for the two with
   * nulls: the twelve walks took 210 s of a suite that must stay under 15 minutes, and the order of every sort in
   * both directions, with ties and nulls, is pinned page by page by LinksApiIT's cursor walk.
   */
  @Test
  void aCursorWalkSeesEveryLinkThatExistedThroughoutExactlyOnceWhileLinksComeAndGo() throws Exception {
    Set<UUID> inserted = ConcurrentHashMap.newKeySet();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> inserterFailed = new AtomicReference<>();
    AtomicInteger insertedCount = new AtomicInteger();
    Thread inserter = new Thread(() -> insertUntilStopped(stop, inserted, insertedCount, inserterFailed),
      "cursor-it-inserter");
    inserter.start();
    int deletions = 0;
    try (Connection deleter = connect()) {
      Random rnd = new Random(21);
      for (String sort : List.of("createdAt", "clicks", "lastClicked", "name", "installs", "saleAmount")) {
        deletions += walk(sort, "desc", deleter, rnd, inserted);
      }
      for (String sort : List.of("lastClicked", "name")) {
        deletions += walk(sort, "asc", deleter, rnd, inserted);
      }
    } finally {
      stop.set(true);
      inserter.join();
    }
    assertThat(inserterFailed.get()).as("the inserting connection failed").isNull();
    assertThat(insertedCount.get()).as("links inserted during the walks").isGreaterThan(100);
    assertThat(deletions).as("links deleted during the walks").isGreaterThan(1_000);
  }

  /** One walk; answers the number of links deleted during it. */
  private int walk(String sort, String order, Connection deleter, Random rnd, Set<UUID> inserted) throws Exception {
    String query = "/api/v1/projects/" + tenant.project() + "/links?showArchived=true&pageSize=" + PAGE_SIZE
      + "&sortBy=" + sort + "&sortOrder=" + order;
    Set<UUID> atStart = linkIds(deleter);
    Set<UUID> deleted = new HashSet<>();
    Map<UUID, Integer> seen = new HashMap<>();
    List<UUID> candidates = new ArrayList<>(atStart);
    String cursor = null;
    int pages = 0;
    while (true) {
      TestApp.Res res = app.get(query + (cursor == null ? "" : "&startingAfter=" + cursor), tenant.token());
      assertThat(res.status()).as("%s %s page %d: %s", sort, order, pages, res.raw().body()).isEqualTo(200);
      pages++;
      for (Object o : res.json().getJsonArray("data")) {
        seen.merge(UUID.fromString(((JsonObject) o).getString("id")), 1, Integer::sum);
      }
      cursor = res.json().getJsonObject("meta").getString("nextCursor");
      if (cursor == null) {
        break;
      }
      // Between two pages, another connection deletes two links: anywhere in the order but the next cursor.
      for (int i = 0; i < 2; i++) {
        UUID victim = candidates.remove(rnd.nextInt(candidates.size()));
        if (!victim.toString().equals(cursor)) {
          exec(deleter, "DELETE FROM links WHERE id = ?", victim);
          deleted.add(victim);
        }
      }
    }
    String walk = sort + " " + order;
    assertThat(seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
      .as("%s: links seen more than once", walk).isEmpty();
    Set<UUID> throughout = new HashSet<>(atStart);
    throughout.removeAll(deleted);
    Set<UUID> missing = new HashSet<>(throughout);
    missing.removeAll(seen.keySet());
    assertThat(missing).as("%s: links that existed throughout but were not seen", walk).isEmpty();
    Set<UUID> strangers = new HashSet<>(seen.keySet());
    strangers.removeAll(atStart);
    strangers.removeAll(inserted);
    assertThat(strangers).as("%s: links seen that never existed", walk).isEmpty();
    assertThat(pages).as(walk).isGreaterThanOrEqualTo(throughout.size() / PAGE_SIZE);
    return deleted.size();
  }

  /** Inserts a link every few milliseconds, with clicks and a sale at random, so it lands anywhere in every sort. */
  private static void insertUntilStopped(AtomicBoolean stop, Set<UUID> inserted, AtomicInteger count,
                                         AtomicReference<Throwable> failed) {
    Random rnd = new Random(7);
    try (Connection c = connect()) {
      while (!stop.get()) {
        UUID id = UUID.randomUUID();
        c.setAutoCommit(false);
        exec(c, "INSERT INTO links (id, project_id, domain, slug, url, name, created_at) VALUES (?, ?, 'dub.sh', ?,"
            + " 'https://example.com/new', ?, ?)", id, tenant.project(), "new-" + id,
          rnd.nextInt(10) == 0 ? null : "Link " + rnd.nextInt(7000),
          Timestamp.from(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(60L * rnd.nextInt(20_000))));
        if (rnd.nextBoolean()) {
          exec(c, "INSERT INTO link_clicks (link_id, clicked_at) SELECT ?, ? FROM generate_series(1, ?)", id,
            Timestamp.from(Instant.parse("2025-06-01T00:00:00Z").plusSeconds(3600L * rnd.nextInt(5000))),
            1 + rnd.nextInt(4));
        }
        if (rnd.nextInt(5) == 0) {
          exec(c, "INSERT INTO link_sales (link_id, amount) VALUES (?, ?)", id, 100L * (1 + rnd.nextInt(50)));
        }
        c.commit();
        inserted.add(id);
        count.incrementAndGet();
        // A steady trickle, not a flood: the walks share the machine's two cores with it.
        exec(c, "SELECT pg_sleep(0.005)");
        c.commit();
      }
    } catch (Throwable e) {
      failed.set(e);
    }
  }

  private static Set<UUID> linkIds(Connection c) throws SQLException {
    Set<UUID> out = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT id FROM links WHERE project_id = ?")) {
      ps.setObject(1, tenant.project());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return out;
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(io.linkexport.support.TestServices.get().jdbcUrl(), "postgres", "postgres");
  }

  private static void exec(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.execute();
    }
  }
}
