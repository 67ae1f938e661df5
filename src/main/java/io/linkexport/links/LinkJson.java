package io.linkexport.links;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes rows of {@code sql/links_list.sql} as the list API's JSON array of links, straight from the rows into UTF-8
 * bytes with jackson-core: no JsonObject per link, field names pre-encoded: building JsonObjects and encoding them
 * generically was the largest cost of a list request (docs/benchmarks.md). Every field is written, null when empty,
 * in a fixed order: dub.co's link object ({@link #DUB_FIELDS}, dub's names, types and order), then, in the service's
 * own shape, the link's name and type and its install and click analytics ({@link #FIELDS}). The fields themselves are
 * {@link LinkFields}.
 */
public final class LinkJson {

  /** The two shapes of a link: the service's (dub's fields and the analytics) and dub's alone. */
  public enum Shape {
    SERVICE,
    DUB
  }

  /** A tag as a link lists it. */
  public record Tag(String id, String name, String color) {
  }

  /** A link's tags are listed by name, then id (names are unique per project, case-insensitively). */
  static final Comparator<Tag> BY_NAME = Comparator.comparing(Tag::name).thenComparing(Tag::id);

  /** dub.co's link object, in the order of its documented example (GET /links). */
  public static final List<String> DUB_FIELDS = LinkFields.DUB.stream().map(LinkFields.Field::name).toList();
  /** The service's link object: dub's, then the name, the type and the analytics dub does not have. */
  public static final List<String> FIELDS = Stream.concat(LinkFields.DUB.stream(), LinkFields.EXTRA.stream())
    .map(LinkFields.Field::name).toList();

  private static final JsonFactory FACTORY = new JsonFactory();
  /** Bytes of a typical link object, to size the output once. */
  private static final int BYTES_PER_LINK = 1536;

  private LinkJson() {
  }

  /**
   * The rows as a JSON array of links of {@code shape}, written straight into a Buffer (no intermediate byte[] to
   * copy). {@code tags} names the tags of the rows' tag ids; an id it lacks (another project's tag) is left out.
   * {@code project} is the project's id (dub's workspaceId), {@code qrBase} the QR code service's URL.
   */
  public static Buffer page(List<Row> rows, Map<UUID, Tag> tags, Shape shape, UUID project, String qrBase) {
    Buffer json = Buffer.buffer(Math.max(1, rows.size()) * BYTES_PER_LINK);
    OutputStream out = new OutputStream() {
      @Override
      public void write(int b) {
        json.appendByte((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        json.appendBytes(b, off, len);
      }
    };
    LinkFields.Current link = new LinkFields.Current(tags, shape == Shape.DUB, project.toString(), qrBase);
    List<LinkFields.Field> fields = shape == Shape.DUB ? LinkFields.DUB : LinkFields.ALL;
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartArray();
      for (Row r : rows) {
        link.of(r);
        g.writeStartObject();
        for (LinkFields.Field f : fields) {
          g.writeFieldName(f.encodedName());
          f.writer().write(g, r, link);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json;
  }
}
