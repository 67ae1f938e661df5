package io.linkexport.export;

import io.linkexport.bus.ServiceException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request's file options, parsed by the column, format, compression and split tables, without Vert.x. */
class ColumnSetTest {

  private static final FileOptions.Limits LIMITS = new FileOptions.Limits(100_000, 2_000_000);

  private static ServiceException refused(JsonObject request) {
    try {
      FileOptions.parse(request, LIMITS);
    } catch (ServiceException e) {
      return e;
    }
    throw new AssertionError("accepted " + request.encode());
  }

  /** Verifies that a request without options gets the specified file: the 14 columns of the specification as CSV. */
  @Test
  void withoutOptionsTheExportIsTheSpecifiedCsv() {
    FileOptions o = FileOptions.parse(new JsonObject(), LIMITS);
    assertThat(o).isEqualTo(FileOptions.DEFAULT);
    assertThat(o.columns().headers()).containsExactly("Name", "Type", "Slug", "Short URL", "Created At", "Clicks",
      "New Installs", "Returning Users", "Attributed Clicks", "Top Device", "Top OS", "Top Browser", "Top Country",
      "Last Clicked At");
    assertThat(o.extension()).isEqualTo(".csv");
    assertThat(o.contentType()).isEqualTo("text/csv; charset=utf-8");
  }

  /** Verifies that columns come in the order asked for, and that each id is the list API's field name. */
  @Test
  void columnsAreKeptInTheOrderAskedFor() {
    FileOptions o = FileOptions.parse(new JsonObject().put("columns", new JsonArray().add("url").add("tags")
      .add("id").add("utm_source")).put("format", "jsonl").put("compression", "gzip"), LIMITS);
    assertThat(o.columns().ids()).containsExactly("url", "tags", "id", "utm_source");
    assertThat(o.columns().headers()).containsExactly("Destination URL", "Tags", "ID", "UTM Source");
    assertThat(o.columns().hasTags()).isTrue();
    assertThat(o.columns().selectList()).isEqualTo("l.url, l.tag_ids, l.id, l.utm_source");
    assertThat(o.extension()).isEqualTo(".jsonl.gz");
    assertThat(o.contentType()).isEqualTo("application/gzip");
    assertThat(ColumnSet.stored(o.columns().ids().toArray(new String[0]))).isEqualTo(o.columns());
    assertThat(ColumnSet.stored(null)).isEqualTo(ColumnSet.DEFAULT);
    assertThatThrownBy(() -> ColumnSet.stored(new String[] {"name", "engagementScore"}))
      .as("a column a newer version stored is this version's 400, not a file without it")
      .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.field()).isEqualTo("columns"))
      .hasMessageContaining("engagementScore");
    assertThat(Column.ids()).contains("id", "domain", "url", "tags", "folderId", "externalId", "tenantId", "archived",
      "expiresAt", "updatedAt", "ios", "android", "utm_source", "utm_medium", "utm_campaign", "utm_term",
      "utm_content", "name", "type", "key", "shortLink", "createdAt", "clicks", "newInstalls", "returningUsers",
      "attributedClicks", "topDevice", "topOs", "topBrowser", "topCountry", "lastClicked", "leads", "conversions",
      "sales", "saleAmount");
    assertThat(ColumnSet.parse(new JsonArray().add("saleAmount").add("leads")).selectList())
      .isEqualTo("s.sale_amount, s.leads");
  }

  /** Verifies that unknown and repeated column ids are a 400 naming columns and every bad id. */
  @Test
  void unknownOrRepeatedColumnsAre400NamingThem() {
    ServiceException e = refused(new JsonObject().put("columns", new JsonArray().add("name").add("colour")
      .add("clicks").add("name").add(7)));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.field()).isEqualTo("columns");
    assertThat(e.getMessage()).contains("'colour'", "'7'", "'name' asked for more than once");
    for (Object bad : List.of(new JsonArray(), "name", 3, new JsonObject())) {
      assertThat(refused(new JsonObject().put("columns", bad)).field()).as(String.valueOf(bad)).isEqualTo("columns");
    }
  }

  /** Verifies that an unknown format, compression or split is a 400 naming its field. */
  @Test
  void unknownFormatCompressionOrSplitAre400NamingTheField() {
    assertThat(refused(new JsonObject().put("format", "xlsx")).field()).isEqualTo("format");
    assertThat(refused(new JsonObject().put("format", 1)).field()).isEqualTo("format");
    assertThat(refused(new JsonObject().put("compression", "zip")).field()).isEqualTo("compression");
    assertThat(refused(new JsonObject().put("split", "yes")).field()).isEqualTo("split");
    assertThat(refused(new JsonObject().put("split", true)).field()).isEqualTo("split");
  }

  /**
   * Verifies that a ceiling of rows per file is accepted with split auto from the total cap / 100 to the per-file
   * cap, and that an impossible one (too small for the total, over the cap, not whole, without a split) is a 400
   * naming maxRowsPerFile.
   */
  @Test
  void anImpossibleCeilingIs400NamingIt() {
    JsonObject auto = new JsonObject().put("split", "auto");
    assertThat(FileOptions.parse(auto.copy().put("maxRowsPerFile", 20_000), LIMITS).ceiling(100_000))
      .isEqualTo(20_000);
    assertThat(FileOptions.parse(auto.copy().put("maxRowsPerFile", 100_000.0), LIMITS).maxRowsPerFile())
      .isEqualTo(100_000);
    assertThat(FileOptions.parse(auto, LIMITS).ceiling(100_000)).isEqualTo(100_000);
    for (Object bad : List.of(19_999, 100_001, 0, -5, 1.5, "50000", new java.math.BigInteger("18446744073709601616"))) {
      ServiceException e = refused(auto.copy().put("maxRowsPerFile", bad));
      assertThat(e.field()).as(String.valueOf(bad)).isEqualTo("maxRowsPerFile");
      assertThat(e.getMessage()).contains("20,000", "100,000");
    }
    assertThat(refused(new JsonObject().put("maxRowsPerFile", 50_000)).getMessage()).contains("split");
  }
}
