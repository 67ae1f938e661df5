package io.linkexport.links;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkFilterTest {

  private static LinkFilter parse(String... kv) {
    Map<String, List<String>> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
    }
    return LinkFilter.parse(ParamSource.of(m));
  }

  @Test
  void defaultsMatchDub() {
    LinkFilter f = LinkFilter.defaults();
    assertThat(f.sortBy()).isEqualTo(SortKey.CREATED_AT);
    assertThat(f.ascending()).isFalse();
    assertThat(f.page()).isEqualTo(1);
    assertThat(f.pageSize()).isEqualTo(100);
    assertThat(f.get(FilterParam.SHOW_ARCHIVED)).isEqualTo(false);
  }

  @Test
  void dateOnlyBoundsCoverTheWholeUtcDay() {
    LinkFilter f = parse("createdAfter", "2025-01-01", "createdBefore", "2025-01-31");
    assertThat(f.instant(FilterParam.CREATED_AFTER)).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(f.instant(FilterParam.CREATED_BEFORE)).isEqualTo(Instant.parse("2025-01-31T23:59:59.999999Z"));
    assertThat(f.toExportJson().getString("createdAfter")).isEqualTo("2025-01-01");
    assertThat(f.toExportJson().containsKey("timezone")).isFalse();
  }

  /**
   * Verifies that a date-only bound is the whole local day of the timezone, DST-correct: Berlin's 2026-03-29 is 23
   * hours long and its 2026-10-25 25 hours; Kathmandu is +05:45; the canonical JSON keeps the date and the zone.
   */
  @Test
  void dateOnlyBoundsAreWholeDaysOfTheTimeZone() {
    LinkFilter spring = parse("timezone", "Europe/Berlin", "createdAfter", "2026-03-29", "createdBefore", "2026-03-29");
    assertThat(spring.instant(FilterParam.CREATED_AFTER)).isEqualTo(Instant.parse("2026-03-28T23:00:00Z"));
    assertThat(spring.instant(FilterParam.CREATED_BEFORE)).isEqualTo(Instant.parse("2026-03-29T21:59:59.999999Z"));
    LinkFilter autumn = parse("timezone", "Europe/Berlin", "createdAfter", "2026-10-25", "createdBefore", "2026-10-25");
    assertThat(autumn.instant(FilterParam.CREATED_AFTER)).isEqualTo(Instant.parse("2026-10-24T22:00:00Z"));
    assertThat(autumn.instant(FilterParam.CREATED_BEFORE)).isEqualTo(Instant.parse("2026-10-25T22:59:59.999999Z"));
    assertThat(parse("timezone", "Asia/Kathmandu", "createdAfter", "2026-11-01").instant(FilterParam.CREATED_AFTER))
      .isEqualTo(Instant.parse("2026-10-31T18:15:00Z"));
    assertThat(parse("timezone", "Europe/Berlin", "createdAfter", "2026-11-01T00:00:00Z")
      .instant(FilterParam.CREATED_AFTER)).as("a timestamp keeps its own offset")
      .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    JsonObject json = spring.toExportJson();
    assertThat(json.getString("timezone")).isEqualTo("Europe/Berlin");
    assertThat(json.getString("createdAfter")).isEqualTo("2026-03-29");
    assertThat(LinkFilter.fromJson(json)).isEqualTo(spring);
    assertThat(spring.zone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
    assertThat(LinkFilter.defaults().zone().getId()).isEqualTo("UTC");
  }

  /** Verifies that the order check compares the resolved instants: a later local day is later whatever the zone. */
  @Test
  void theOrderOfDateBoundsIsCheckedInTheTimeZone() {
    assertThat(parse("timezone", "Pacific/Kiritimati", "createdAfter", "2026-11-02",
      "createdBefore", "2026-11-01T12:00:00Z").instant(FilterParam.CREATED_AFTER))
      .isEqualTo(Instant.parse("2026-11-01T10:00:00Z"));
    assertThatThrownBy(() -> parse("timezone", "America/St_Johns", "createdAfter", "2026-11-02",
      "createdBefore", "2026-11-02T03:00:00Z"))
      .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.field()).isEqualTo("createdAfter"));
  }

  @Test
  void timestampBoundsKeepTheirOffset() {
    LinkFilter f = parse("createdAfter", "2025-01-01T10:00:00+02:00");
    assertThat(f.get(FilterParam.CREATED_AFTER)).isEqualTo(Instant.parse("2025-01-01T08:00:00Z"));
  }

  @Test
  void listParametersAcceptCommasRepeatsAndJsonArrays() {
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    assertThat(parse("tagIds", a + "," + b).get(FilterParam.TAG_IDS)).asList().containsExactly(a, b);
    assertThat(parse("tagIds", a.toString(), "tagIds", b.toString()).get(FilterParam.TAG_IDS)).asList()
      .containsExactly(a, b);
    assertThat(LinkFilter.fromJson(new JsonObject().put("tagIds", new JsonArray().add(a.toString())))
      .get(FilterParam.TAG_IDS)).asList().containsExactly(a);
    assertThat(parse("tagNames", "Marketing,Q3 Launch").get(FilterParam.TAG_NAMES)).asList()
      .containsExactly("marketing", "q3 launch");
  }

  @Test
  void canonicalJsonRoundTrips() {
    LinkFilter f = parse("domain", "dub.sh", "search", "50%_off", "sortBy", "clicks", "sortOrder", "asc",
      "showArchived", "true", "type", "unified", "createdAfter", "2025-02-01", "page", "3", "pageSize", "10",
      "tagNames", "A", "folderId", UUID.randomUUID().toString(), "tenantId", "t1", "userId", UUID.randomUUID().toString());
    assertThat(LinkFilter.fromJson(f.toJson())).isEqualTo(f);
    assertThat(f.toExportJson().containsKey("page")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "sortBy, clickz", "sortOrder, up", "page, 0", "page, x", "pageSize, 101", "pageSize, 0", "showArchived, maybe",
    "createdAfter, 2025-13-01", "createdBefore, yesterday", "folderId, 123", "userId, not-a-uuid", "tagIds, abc",
    "type, static", "sortby, clicks", "timezone, Mars/Olympus", "timezone, +01:00", "timezone, europe/berlin",
    "timezone, CET'; DROP TABLE links"
  })
  void rejectsBadValuesNamingTheField(String name, String value) {
    assertThatThrownBy(() -> parse(name, value))
      .isInstanceOfSatisfying(ServiceException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.field()).isEqualTo(name);
      });
  }

  /**
   * Verifies that a list page reaches at most the first 10,000 links (page x pageSize), refused beyond with a 400
   * naming page, the limit and what to do instead; an OFFSET costs Postgres every row before it, on shared pools.
   */
  @ParameterizedTest
  @CsvSource({"1, 100, true", "100, 100, true", "101, 100, false", "400, 25, true", "401, 25, false",
    "10000, 1, true", "10001, 1, false", "100000, 100, false"})
  void aListPageReachesAtMostTheFirstTenThousandLinks(int page, int pageSize, boolean allowed) {
    LinkFilter f = parse("page", String.valueOf(page), "pageSize", String.valueOf(pageSize));
    if (allowed) {
      assertThat(f.requirePageDepth()).isSameAs(f);
      return;
    }
    assertThatThrownBy(f::requirePageDepth).isInstanceOfSatisfying(ServiceException.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.field()).isEqualTo("page");
      assertThat(e.getMessage()).contains("10,000").contains("narrow the filters (for example createdBefore)")
        .contains("export the links").contains("startingAfter");
    });
  }

  /** Verifies that the depth bound is the list's alone: the count and the export ignore paging and accept any page. */
  @Test
  void theDepthBoundNeverRefusesTheCountOrTheExport() {
    LinkFilter deep = parse("page", "100000", "pageSize", "100", "search", "sale");
    assertThat(deep.page()).isEqualTo(100_000);
    LinkFilter export = LinkFilter.fromJson(new JsonObject().put("page", 100_000).put("pageSize", 100));
    assertThat(export.toExportJson().containsKey("page")).isFalse();
    assertThat(LinkFilter.fromJson(export.toExportJson()).requirePageDepth().page()).isEqualTo(1);
  }

  @Test
  void rejectsInvertedDateRange() {
    assertThatThrownBy(() -> parse("createdAfter", "2025-02-01", "createdBefore", "2025-01-01"))
      .isInstanceOf(ServiceException.class).hasMessageContaining("createdAfter");
  }

  @Test
  void rejectsOverlongSearchAndRepeatedSingles() {
    // Control characters could make a match span two fields of the search text (slug \n name \n url).
    assertThatThrownBy(() -> parse("search", "a\nb")).isInstanceOf(ServiceException.class)
      .hasMessageContaining("control characters");
    assertThatThrownBy(() -> parse("search", "tab\there")).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> parse("search", "x".repeat(201))).isInstanceOf(ServiceException.class);
    assertThatThrownBy(() -> parse("domain", "a", "domain", "b")).isInstanceOf(ServiceException.class);
  }

  @Test
  void rejectsObjectsInJson() {
    assertThatThrownBy(() -> LinkFilter.fromJson(new JsonObject().put("search", new JsonObject())))
      .isInstanceOf(ServiceException.class);
  }

  @Test
  void likeMetacharactersAreEscaped() {
    assertThat(Condition.escapeLike("50%_off\\x")).isEqualTo("50\\%\\_off\\\\x");
  }

  @Test
  void userTextNeverReachesTheSqlText() {
    LinkFilter f = parse("search", "'; DROP TABLE links; --", "domain", "x' OR '1'='1", "tagNames", "a'b");
    LinkQuery q = LinkQuery.of(UUID.randomUUID(), f);
    assertThat(q.where()).doesNotContain("DROP").doesNotContain("'1'='1").doesNotContain("a'b");
    assertThat(q.renderPage("SELECT 1 FROM links l WHERE /*WHERE*/ ORDER BY /*ORDER*/", f).params().size()).isEqualTo(6);
  }

  /**
   * StaleStatisticsIT shows why: a project condition on the inner side of the join can make a read quadratic. A page
   * and the export are scoped alike (the export equals paging through the list); the count scopes links.
   */
  @Test
  void orderedReadsAreScopedOnTheTableTheirSortWalksAndTheCountOnLinks() {
    String template = "SELECT 1 FROM links l JOIN link_stats s ON s.link_id = l.id WHERE /*WHERE*/ ORDER BY /*ORDER*/";
    for (String sort : new String[] {"clicks", "installs", "lastClicked"}) {
      LinkFilter f = parse("sortBy", sort, "domain", "dub.sh");
      LinkQuery q = LinkQuery.of(UUID.randomUUID(), f);
      assertThat(q.orderedWhere()).startsWith("s.project_id = $1 AND").doesNotContain("l.project_id");
      assertThat(q.renderOrdered(template).text()).contains(q.orderedWhere());
      assertThat(q.renderPage(template, f).text()).contains(q.orderedWhere());
      assertThat(q.where()).startsWith("l.project_id = $1 AND").doesNotContain("s.project_id");
    }
    for (String sort : new String[] {"createdAt", "name"}) {
      LinkQuery q = LinkQuery.of(UUID.randomUUID(), parse("sortBy", sort));
      assertThat(q.orderedWhere()).isEqualTo(q.where()).startsWith("l.project_id = $1").doesNotContain("s.project_id");
    }
  }

  /** Db.listPool: only a page whose one value is the project may share a plan across values. */
  @ParameterizedTest
  @CsvSource({
    "sortBy,clicks,true", "sortBy,name,true", "showArchived,true,true", "sortOrder,asc,true", "page,7,true",
    "search,sale,false", "domain,dub.sh,false", "folderId,5f0c1e4a-55b5-4c2e-9d6a-0d4b3a1c2e10,false", "userId,7b1d2c3e-1111-4a2b-8c3d-4e5f60718293,false", "tenantId,t1,false",
    "tagNames,promo,false", "createdAfter,2025-01-01T00:00:00Z,false"})
  void onlyAPageWithoutFilterValuesMayShareAPlan(String name, String value, boolean shared) {
    assertThat(LinkQuery.of(UUID.randomUUID(), parse(name, value)).bindsOnlyTheProject()).isEqualTo(shared);
  }

  /** Verifies the cursor parameters: link ids, one at a time, never with page; paging is not part of an export. */
  @Test
  void cursorsAreLinkIdsOneAtATimeAndNeverWithPage() {
    UUID link = UUID.randomUUID();
    LinkFilter after = parse("startingAfter", link.toString(), "pageSize", "10");
    assertThat(after.startingAfter()).isEqualTo(link);
    assertThat(after.cursorPage()).isTrue();
    assertThat(LinkFilter.fromJson(after.toJson())).isEqualTo(after);
    assertThat(after.toExportJson().containsKey("startingAfter")).isFalse();
    assertThat(parse("endingBefore", link.toString(), "page", "").endingBefore()).isEqualTo(link);
    assertThat(LinkFilter.defaults().toJson().containsKey("startingAfter")).isFalse();
    assertThatThrownBy(() -> parse("startingAfter", "abc")).isInstanceOfSatisfying(ServiceException.class,
      e -> {
        assertThat(e.field()).isEqualTo("startingAfter");
        assertThat(e.getMessage()).contains("link id");
      });
    assertThatThrownBy(() -> parse("startingAfter", link.toString(), "endingBefore", link.toString()))
      .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.field()).isEqualTo("endingBefore"));
    assertThatThrownBy(() -> parse("endingBefore", link.toString(), "page", "1"))
      .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.field()).isEqualTo("page"));
  }

  /** Verifies dub's filter forms: folderId=unsorted, withTags, and a tagIds error that quotes the wrong value. */
  @Test
  void acceptsDubsFilterFormsAndQuotesAWrongTagId() {
    assertThat(parse("folderId", "unsorted").get(FilterParam.FOLDER_ID)).isEqualTo("unsorted");
    assertThat(LinkQuery.of(UUID.randomUUID(), parse("folderId", "unsorted")).where())
      .contains("l.folder_id IS NULL");
    assertThat(LinkQuery.of(UUID.randomUUID(), parse("withTags", "true")).where()).contains("FROM link_tags");
    assertThat(LinkQuery.of(UUID.randomUUID(), parse("withTags", "false")).where()).doesNotContain("link_tags");
    assertThat(parse("sortBy", "saleAmount").sortBy()).isEqualTo(SortKey.SALE_AMOUNT);
    assertThatThrownBy(() -> parse("tagIds", UUID.randomUUID() + ",cm3abc,x")).isInstanceOfSatisfying(
      ServiceException.class, e -> {
        assertThat(e.field()).isEqualTo("tagIds");
        assertThat(e.getMessage()).contains("'cm3abc'");
      });
  }

  /**
   * Verifies the cursor page's statement: the cursor and the limit are parameters, the keyset condition is a row
   * comparison from the cursor's link, and a sort with nulls adds the runs of nulls, gated on the cursor's value.
   */
  @Test
  void aCursorPageIsARangeFromTheCursorsRowInEverySort() {
    String template = "SELECT l.id/*PART*/ FROM links l JOIN link_stats s ON s.link_id = l.id WHERE /*WHERE*/"
      + " ORDER BY /*ORDER*/";
    UUID cursor = UUID.randomUUID();
    LinkQuery.Sql clicks = LinkQuery.of(UUID.randomUUID(), parse("sortBy", "clicks", "search", "x'y"))
      .renderCursorPage(template, cursor, false, 102);
    assertThat(clicks.text()).contains("(s.clicks, s.link_id) <= ((SELECT k.v FROM k), (SELECT k.id FROM k))")
      .contains("WHERE l.id = $3 AND l.project_id = $1").endsWith("LIMIT $4").doesNotContain("UNION")
      .doesNotContain("x'y");
    assertThat(clicks.params().getValue(2)).isEqualTo(cursor);
    assertThat(clicks.params().getValue(3)).isEqualTo(102);
    String ascBack = LinkQuery.of(UUID.randomUUID(), parse("sortBy", "createdAt", "sortOrder", "asc"))
      .renderCursorPage(template, cursor, true, 12).text();
    assertThat(ascBack).contains("(l.created_at, l.id) <= ").contains("ORDER BY l.created_at DESC, l.id DESC");
    String last = LinkQuery.of(UUID.randomUUID(), parse("sortBy", "lastClicked"))
      .renderCursorPage(template, cursor, false, 12).text();
    assertThat(last).contains("UNION ALL").contains("s.last_clicked_at IS NULL AND (SELECT k.v FROM k) IS NOT NULL")
      .contains("ORDER BY s.last_clicked_at DESC NULLS LAST, s.link_id DESC")
      .contains("ORDER BY page.part, page.last_clicked_at DESC, page.id DESC");
    String nameBack = LinkQuery.of(UUID.randomUUID(), parse("sortBy", "name"))
      .renderCursorPage(template, cursor, true, 12).text();
    assertThat(nameBack).contains("l.name IS NOT NULL AND (SELECT k.v FROM k) IS NULL")
      .contains("ORDER BY l.name ASC NULLS LAST, l.id ASC");
    assertThat(LinkQuery.of(UUID.randomUUID(), parse("startingAfter", cursor.toString())).bindsOnlyTheProject())
      .isTrue();
  }
}
