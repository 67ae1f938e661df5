package io.linkexport.http;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which list pool a page runs on ({@code Db.listPool}): a page whose only value is the project on the pool that keeps
 * one generic plan per connection, a page with a filter value on the pool that plans every execution for its values
 * (a generic plan for {@code search=} walks the wrong index: 141 ms instead of 13 ms on 100,000 links). The last
 * statement of every backend, in {@code pg_stat_activity}, shows where each ran; an app of its own, so no other
 * test's statements are there.
 */
class ListPlanPoolsIT {

  private static final String LAST_STATEMENTS = "SELECT application_name || ' ' || query FROM pg_stat_activity"
    + " WHERE datname = current_database() AND application_name = ?";

  @Test
  void aPageWithoutFilterValuesSharesAPlanAndAFilteredPageIsPlannedForItsValues() {
    JsonObject conf = TestApp.isolatedConfig(new JsonObject());
    Fixtures db = Fixtures.of(AppConfig.from(conf));
    TestApp app = TestApp.start(conf);
    try {
      UUID withLinks = db.project("Pools", "pro");
      UUID empty = db.project("Pools, empty", "pro");
      UUID user = db.member(withLinks);
      db.exec("INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, 'owner')", empty, user);
      String token = TestTokens.session(user, "pools@example.com");
      db.bulkLinks(withLinks, 20, "needle");
      db.exec("INSERT INTO link_tags (link_id, tag_id) SELECT l.id, ? FROM links l WHERE l.project_id = ?",
        db.tag(withLinks, "Pools"), withLinks);

      // After each page, the last statement of every backend: the two pools are shared by the query verticles, so
      // the next page may well run on the backend the previous one used.
      assertThat(app.get("/api/v1/projects/" + withLinks + "/links?search=needle", token).status()).isEqualTo(200);
      assertThat(db.strings(LAST_STATEMENTS, Db.LIST_CUSTOM_PLANS)).as("custom-plan backends after the search")
        .anyMatch(q -> q.contains("search_text LIKE"));
      assertThat(db.strings(LAST_STATEMENTS, Db.LIST_GENERIC_PLANS)).as("generic-plan backends after the search")
        .anyMatch(q -> q.contains("FROM tags t")).noneMatch(q -> q.contains("search_text LIKE"));

      // An empty page: no tags statement follows it.
      assertThat(app.get("/api/v1/projects/" + empty + "/links?sortBy=installs&sortOrder=asc", token).status())
        .isEqualTo(200);
      assertThat(db.strings(LAST_STATEMENTS, Db.LIST_GENERIC_PLANS)).as("generic-plan backends after the empty page")
        .anyMatch(q -> q.contains("ORDER BY s.new_installs ASC"));
      assertThat(db.strings(LAST_STATEMENTS, Db.LIST_CUSTOM_PLANS)).as("custom-plan backends after the empty page")
        .noneMatch(q -> q.contains("new_installs ASC"));
    } finally {
      app.close();
      db.close();
    }
  }
}
