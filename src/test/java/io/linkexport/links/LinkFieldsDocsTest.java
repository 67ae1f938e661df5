package io.linkexport.links;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document's link schemas stay true to what the list writes: {@code Link} (the envelope's links) and
 * {@code DubLink} (Accept: application/vnd.dub+json) name exactly the fields of {@link LinkFields}, in their order,
 * all of them always present. The values' types are pinned against dub's example by {@code LinksApiIT}.
 */
class LinkFieldsDocsTest {

  private static JsonObject schema(String name) throws Exception {
    return new JsonObject(Files.readString(Path.of("docs/openapi.json"))).getJsonObject("components")
      .getJsonObject("schemas").getJsonObject(name);
  }

  private static List<String> names(List<LinkFields.Field> fields) {
    return fields.stream().map(LinkFields.Field::name).toList();
  }

  /** Verifies that the Link schema lists every field the service's list writes, in order, each one required. */
  @Test
  void theLinkSchemaNamesEveryFieldOfTheEnvelopesLinksInOrder() throws Exception {
    JsonObject link = schema("Link");
    assertThat(List.copyOf(link.getJsonObject("properties").fieldNames())).isEqualTo(names(LinkFields.ALL));
    assertThat(link.getJsonArray("required").getList()).isEqualTo(names(LinkFields.ALL));
  }

  /** Verifies that the DubLink schema lists exactly dub's fields as the dub-shaped response writes them. */
  @Test
  void theDubLinkSchemaNamesExactlyDubsFieldsInOrder() throws Exception {
    JsonObject dub = schema("DubLink");
    assertThat(List.copyOf(dub.getJsonObject("properties").fieldNames())).isEqualTo(names(LinkFields.DUB));
    assertThat(dub.getJsonArray("required").getList()).isEqualTo(names(LinkFields.DUB));
    assertThat(dub.getJsonObject("properties").getJsonObject("password").getString("description"))
      .contains("Never the password");
  }
}
