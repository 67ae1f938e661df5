package io.linkexport.docs;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documents stay derived from the code: the OpenAPI document's filter parameters, export request schema and
 * error codes, and the README's filter table, are exactly what {@link DocsSync} renders from the parameter table.
 */
class FilterDocsTest {

  private static final String HOW = "out of date: run mvn -q test-compile exec:java "
    + "-Dexec.mainClass=io.linkexport.docs.DocsSync -Dexec.classpathScope=test";

  @Test
  void theOpenApiDocumentListsExactlyTheTablesParametersAndCodes() throws Exception {
    JsonObject doc = new JsonObject(Files.readString(DocsSync.OPENAPI));
    assertThat(doc).as("docs/openapi.json " + HOW).isEqualTo(DocsSync.openApi(doc));
  }

  @Test
  void theReadmeShowsTheTablesFilters() throws Exception {
    String readme = Files.readString(DocsSync.README);
    assertThat(readme).as("README.md " + HOW).isEqualTo(DocsSync.readme(readme));
  }
}
