package io.linkexport.links;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.db.SqlStatements;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every statement of a list page fits the pools' prepared-statement cache: a longer text is parsed and planned on
 * every execution (the client does not keep it), which made a cursor page of a sort with nulls cost Postgres 1.2 ms
 * of planning per page and halved its throughput against the first page.
 */
class ListStatementCacheTest {

  /** Every filter at once: the longest WHERE a page can have. */
  private static JsonObject everyFilter(SortKey sort) {
    return new JsonObject().put("domain", "dub.sh").put("tagIds", new JsonArray().add(UUID.randomUUID().toString()))
      .put("tagNames", new JsonArray().add("Marketing")).put("withTags", true)
      .put("folderId", UUID.randomUUID().toString()).put("search", "sale").put("userId", UUID.randomUUID().toString())
      .put("tenantId", "t1").put("showArchived", false).put("type", "dynamic").put("createdAfter", "2025-01-01")
      .put("createdBefore", "2025-12-31").put("sortBy", sort.param()).put("sortOrder", "asc");
  }

  /**
   * Verifies that the longest list statements (every filter, every sort, offset and cursor pages both ways) fit the
   * limit the pools are built with.
   */
  @Test
  void everyListStatementFitsThePreparedStatementCache() {
    Predicate<String> cached = Db.connectOptions(AppConfig.from(new JsonObject())).getPreparedStatementCacheSqlFilter();
    String template = SqlStatements.get("links_list");
    String longest = "";
    for (SortKey sort : SortKey.values()) {
      LinkFilter filter = LinkFilter.fromJson(everyFilter(sort));
      LinkQuery query = LinkQuery.of(UUID.randomUUID(), filter);
      longest = longer(longest, query.renderPage(template, filter).text());
      for (boolean backward : new boolean[] {false, true}) {
        longest = longer(longest, query.renderCursorPage(template, UUID.randomUUID(), backward, 102).text());
      }
    }
    assertThat(longest.length()).as("the longest list statement").isGreaterThan(4_000);
    assertThat(cached.test(longest)).as("the pools cache a statement of %,d characters", longest.length()).isTrue();
  }

  private static String longer(String a, String b) {
    return b.length() > a.length() ? b : a;
  }
}
