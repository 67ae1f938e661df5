package io.linkexport.docs;

import io.linkexport.export.Column;
import io.linkexport.export.ColumnSet;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's column picker lists the column table: its ids and headers in the table's order, and the default set
 * in its order. A new column in {@link Column} without its row in {@code app.js} fails here.
 */
class ColumnsInPageTest {

  /** Verifies that app.js's COLUMNS and DEFAULT_COLUMNS are exactly the column table's rows and default set. */
  @Test
  void thePickerListsExactlyTheColumnTable() throws Exception {
    String js = Files.readString(Path.of("src/main/resources/webroot/app.js"));
    String columns = java.util.Arrays.stream(Column.values())
      .map(c -> "['" + c.id() + "', '" + c.header() + "']").collect(Collectors.joining(", ", "[", "]"));
    String defaults = ColumnSet.DEFAULT.ids().stream().map(id -> "'" + id + "'")
      .collect(Collectors.joining(", ", "[", "]"));
    assertThat(js).as("app.js's COLUMNS").contains("const COLUMNS = " + columns + ";");
    assertThat(js).as("app.js's DEFAULT_COLUMNS").contains("const DEFAULT_COLUMNS = " + defaults + ";");
  }
}
