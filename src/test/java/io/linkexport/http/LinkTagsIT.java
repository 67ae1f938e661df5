package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tags on list pages come from {@code links.tag_ids} and the query verticle's TagDictionary (V7). Every change to a
 * project's tags or to a link's tags shows on the very next page, and {@code tag_ids} equals {@code link_tags}, also
 * when two transactions change one link's tags at once.
 */
class LinkTagsIT {

  /** Links of the project whose tag_ids differ from their link_tags rows. */
  private static final String OUT_OF_SYNC = "SELECT count(*) FROM links l WHERE l.project_id = ? AND l.tag_ids"
    + " IS DISTINCT FROM coalesce((SELECT array_agg(lt.tag_id ORDER BY lt.tag_id) FROM link_tags lt"
    + " WHERE lt.link_id = l.id), '{}')";

  static TestApp app;
  static Fixtures db;

  @BeforeAll
  static void start() {
    app = TestApp.get();
    db = new Fixtures();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void theNextPageShowsEveryChangeToTags() {
    UUID project = db.project("Tags", "pro");
    UUID other = db.project("Tags, other", "pro");
    String token = TestTokens.session(db.member(project), "tags@example.com");
    UUID alpha = db.tag(project, "Alpha");
    UUID beta = db.tag(project, "Beta");
    UUID foreign = db.tag(other, "Foreign");
    UUID one = db.link(project, "one-" + project).createdAt(Instant.parse("2025-01-01T00:00:00Z")).insert();
    UUID two = db.link(project, "two-" + project).createdAt(Instant.parse("2025-01-02T00:00:00Z")).insert();
    db.tagLink(one, alpha);
    db.tagLink(one, foreign); // a tag of another project on this project's link is never shown

    assertThat(tags(project, token)).containsExactly(Map.entry(one, List.of("Alpha")), Map.entry(two, List.of()));
    assertThat(tags(project, token)).as("the same page again, from the dictionary")
      .containsExactly(Map.entry(one, List.of("Alpha")), Map.entry(two, List.of()));

    db.exec("UPDATE tags SET name = 'Aardvark', color = 'red' WHERE id = ?", alpha);
    JsonArray page = page(project, token);
    assertThat(page.getJsonObject(0).getJsonArray("tags")).containsExactly(
      new JsonObject().put("id", alpha.toString()).put("name", "Aardvark").put("color", "red"));

    db.tagLink(two, beta);
    assertThat(tags(project, token)).containsExactly(Map.entry(one, List.of("Aardvark")),
      Map.entry(two, List.of("Beta")));

    db.tagLink(one, beta);
    db.exec("DELETE FROM link_tags WHERE link_id = ? AND tag_id = ?", one, alpha);
    assertThat(tags(project, token)).containsExactly(Map.entry(one, List.of("Beta")), Map.entry(two, List.of("Beta")));

    UUID zulu = db.tag(project, "Zulu");
    db.exec("INSERT INTO link_tags (link_id, tag_id) VALUES (?, ?), (?, ?)", one, zulu, one, alpha);
    assertThat(tags(project, token)).containsExactly(Map.entry(one, List.of("Aardvark", "Beta", "Zulu")),
      Map.entry(two, List.of("Beta")));

    db.exec("DELETE FROM tags WHERE id = ?", beta); // cascades to link_tags
    assertThat(db.strings("SELECT tag_ids::text FROM links WHERE id = ?", two)).containsExactly("{}");
    assertThat(tags(project, token)).containsExactly(Map.entry(one, List.of("Aardvark", "Zulu")),
      Map.entry(two, List.of()));
    assertThat(db.count(OUT_OF_SYNC, project)).isZero();

    // Moving a row to another link changes both links.
    db.exec("UPDATE link_tags SET link_id = ? WHERE link_id = ? AND tag_id IN (?, ?)", two, one, zulu, foreign);
    assertThat(tags(project, token)).containsExactly(Map.entry(one, List.of("Aardvark")),
      Map.entry(two, List.of("Zulu")));
    assertThat(db.count(OUT_OF_SYNC, project)).isZero();
  }

  @Test
  void concurrentWritersOfOneLinksTagsKeepEachOthersChanges() throws Exception {
    UUID project = db.project("Tags, concurrent", "pro");
    UUID a = db.tag(project, "A");
    UUID b = db.tag(project, "B");
    UUID c = db.tag(project, "C");
    UUID link = db.link(project, "busy-" + project).insert();
    db.tagLink(link, c);
    String url = TestServices.get().jdbcUrl();
    try (Connection first = DriverManager.getConnection(url, "postgres", "postgres");
         Connection second = DriverManager.getConnection(url, "postgres", "postgres")) {
      first.setAutoCommit(false);
      second.setAutoCommit(false);
      insert(first, link, a);
      // The second writer waits for the first one's lock on the link, then recomputes with the first one committed.
      CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
        try {
          insert(second, link, b);
          second.commit();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Await.until("the second writer to wait for the first one's lock", Duration.ofSeconds(10), () -> db.count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0);
      assertThat(waiting).as("the second writer waits for the first").isNotDone();
      first.commit();
      waiting.get(10, TimeUnit.SECONDS);
    }
    List<String> expected = new ArrayList<>(List.of(a.toString(), b.toString(), c.toString()));
    expected.sort(null);
    assertThat(db.strings("SELECT unnest(tag_ids)::text FROM links WHERE id = ?", link)).isEqualTo(expected);
    assertThat(db.count(OUT_OF_SYNC, project)).isZero();
  }

  /** Once the query verticles hold a project's tags, its pages do not read the tags table at all. */
  @Test
  void pagesAreServedFromTheDictionaryOnceItHoldsTheTags() throws Exception {
    UUID project = db.project("Tags, dictionary", "pro");
    String token = TestTokens.session(db.member(project), "dict@example.com");
    UUID tag = db.tag(project, "Held");
    UUID link = db.link(project, "held-" + project).insert();
    db.tagLink(link, tag);
    for (int i = 0; i < 8; i++) { // every query verticle gets pages (the bus takes them in turn)
      assertThat(tags(project, token)).containsExactly(Map.entry(link, List.of("Held")));
    }
    try (Connection locker = DriverManager.getConnection(TestServices.get().jdbcUrl(), "postgres", "postgres")) {
      locker.setAutoCommit(false);
      try (var st = locker.createStatement()) {
        st.execute("LOCK TABLE tags IN ACCESS EXCLUSIVE MODE"); // a fetch of tag names would wait: 503 after 5 s
      }
      for (int i = 0; i < 8; i++) {
        assertThat(tags(project, token)).containsExactly(Map.entry(link, List.of("Held")));
      }
      locker.rollback();
    }
  }

  @Test
  void underRepeatableReadTheLaterOfTwoWritersFailsInsteadOfLosingTheOthersTag() throws Exception {
    UUID project = db.project("Tags, repeatable read", "pro");
    UUID a = db.tag(project, "A");
    UUID b = db.tag(project, "B");
    UUID link = db.link(project, "rr-" + project).insert();
    String url = TestServices.get().jdbcUrl();
    try (Connection late = DriverManager.getConnection(url, "postgres", "postgres")) {
      late.setAutoCommit(false);
      late.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (var st = late.createStatement()) {
        st.execute("SELECT 1"); // takes the transaction's snapshot
      }
      db.tagLink(link, a); // commits after that snapshot
      assertThatThrownBy(() -> insert(late, link, b)).isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("40001");
      late.rollback();
    }
    assertThat(db.strings("SELECT unnest(tag_ids)::text FROM links WHERE id = ?", link)).containsExactly(a.toString());
    assertThat(db.count(OUT_OF_SYNC, project)).isZero();
  }

  /** On a database of its own: TRUNCATE empties the tables of every project. */
  @Test
  void truncatingLinkTagsOrTagsClearsEveryTagIdsAndBumpsTheVersions() {
    try (Fixtures own = new Fixtures(TestServices.jdbcUrl(AppConfig.from(TestServices.isolatedConfig())))) {
      UUID project = own.project("Tags, truncated", "pro");
      UUID link = own.link(project, "t-" + project).insert();
      own.tagLink(link, own.tag(project, "T1"));
      own.tagLink(link, own.tag(project, "T2"));
      long version = own.count("SELECT tags_version FROM projects WHERE id = ?", project);
      assertThat(own.count("SELECT cardinality(tag_ids) FROM links WHERE id = ?", link)).isEqualTo(2);

      own.exec("TRUNCATE link_tags");
      assertThat(own.count("SELECT cardinality(tag_ids) FROM links WHERE id = ?", link)).isZero();

      own.tagLink(link, own.tag(project, "T3"));
      long before = own.count("SELECT tags_version FROM projects WHERE id = ?", project);
      assertThat(before).isGreaterThan(version);
      own.exec("TRUNCATE tags CASCADE");
      assertThat(own.count("SELECT cardinality(tag_ids) FROM links WHERE id = ?", link)).isZero();
      assertThat(own.count("SELECT tags_version FROM projects WHERE id = ?", project)).isGreaterThan(before);
    }
  }

  private static void insert(Connection conn, UUID link, UUID tag) throws Exception {
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO link_tags (link_id, tag_id) VALUES (?, ?)")) {
      ps.setObject(1, link);
      ps.setObject(2, tag);
      ps.executeUpdate();
    }
  }

  private static JsonArray page(UUID project, String token) {
    TestApp.Res res = app.get("/api/v1/projects/" + project + "/links?sortBy=createdAt&sortOrder=asc", token);
    assertThat(res.status()).isEqualTo(200);
    return res.json().getJsonArray("data");
  }

  /** Each link's tag names, in the page's order. */
  private static Map<UUID, List<String>> tags(UUID project, String token) {
    Map<UUID, List<String>> out = new LinkedHashMap<>();
    for (Object o : page(project, token)) {
      JsonObject link = (JsonObject) o;
      List<String> names = new ArrayList<>();
      link.getJsonArray("tags").forEach(t -> names.add(((JsonObject) t).getString("name")));
      out.put(UUID.fromString(link.getString("id")), names);
    }
    return out;
  }
}
