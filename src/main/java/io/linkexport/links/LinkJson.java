package io.linkexport.links;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes rows of {@code sql/links_list.sql} as the list API's JSON array of links (dub.co's link fields plus the
 * link's analytics), straight from the rows into UTF-8 bytes with jackson-core: no JsonObject per link, field names
 * pre-encoded: building JsonObjects and encoding them generically was the largest cost of a list request
 * (docs/benchmarks.md). Every field is written, null when empty, in the order of {@link #FIELDS}.
 */
public final class LinkJson {

  /** A tag as a link lists it. */
  public record Tag(String id, String name, String color) {
  }

  /** A link's tags are listed by name, then id (names are unique per project, case-insensitively). */
  static final Comparator<Tag> BY_NAME = Comparator.comparing(Tag::name).thenComparing(Tag::id);

  /** The fields of a link, in the order they are written. */
  public static final List<String> FIELDS = List.of("id", "domain", "key", "url", "shortLink",
    "name", "type", "archived", "expiresAt", "tags", "folderId", "tenantId", "externalId", "userId", "ios", "android",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "createdAt", "updatedAt", "clicks",
    "newInstalls", "returningUsers", "attributedClicks", "topDevice", "topOs", "topBrowser", "topCountry",
    "lastClicked");

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final SerializedString[] NAMES = FIELDS.stream().map(SerializedString::new)
    .toArray(SerializedString[]::new);
  private static final SerializedString TAG_ID = new SerializedString("id");
  private static final SerializedString TAG_NAME = new SerializedString("name");
  private static final SerializedString TAG_COLOR = new SerializedString("color");
  /** Columns of sql/links_list.sql after the link's own: its tag ids and the project's tags version (V7). */
  static final int TAG_IDS = 30;
  static final int TAGS_VERSION = 31;
  /** Bytes of a typical link object, to size the output once. */
  private static final int BYTES_PER_LINK = 1024;

  private LinkJson() {
  }

  /**
   * The first {@code max} rows as a JSON array, written straight into a Buffer (no intermediate byte[] to copy).
   * {@code tags} names the tags of the rows' tag ids; an id it lacks (another project's tag) is left out.
   */
  public static Buffer page(Iterable<Row> rows, int max, Map<UUID, Tag> tags) {
    Buffer json = Buffer.buffer(Math.min(max, 100) * BYTES_PER_LINK);
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
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartArray();
      int n = 0;
      for (Row r : rows) {
        if (n++ == max) {
          break;
        }
        link(g, r, tags);
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return json;
  }

  /** One link; columns by position (the hot path: a lookup by name scans the column names), in the SELECT's order. */
  private static void link(JsonGenerator g, Row r, Map<UUID, Tag> tags) throws IOException {
    String domain = r.getString(1);
    String slug = r.getString(2);
    g.writeStartObject();
    UUID id = r.getUUID(0);
    string(g, 0, uuid(id));
    string(g, 1, domain);
    string(g, 2, slug);
    string(g, 3, r.getString(3));
    string(g, 4, "https://" + domain + "/" + slug);
    string(g, 5, r.getString(4));
    string(g, 6, r.getString(5));
    g.writeFieldName(NAMES[7]);
    Boolean archived = r.getBoolean(6);
    if (archived == null) {
      g.writeNull();
    } else {
      g.writeBoolean(archived);
    }
    time(g, 8, r.getOffsetDateTime(7));
    g.writeFieldName(NAMES[9]);
    tags(g, r.getArrayOfUUIDs(TAG_IDS), tags);
    string(g, 10, uuid(r.getUUID(8)));
    string(g, 11, r.getString(9));
    string(g, 12, r.getString(10));
    string(g, 13, uuid(r.getUUID(11)));
    for (int field = 14, column = 12; column <= 18; field++, column++) {
      string(g, field, r.getString(column)); // ios, android, utm_*
    }
    time(g, 21, r.getOffsetDateTime(19));
    time(g, 22, r.getOffsetDateTime(20));
    for (int field = 23, column = 21; column <= 24; field++, column++) {
      number(g, field, r.getLong(column)); // clicks, newInstalls, returningUsers, attributedClicks
    }
    for (int field = 27, column = 25; column <= 28; field++, column++) {
      string(g, field, r.getString(column)); // topDevice, topOs, topBrowser, topCountry
    }
    time(g, 31, r.getOffsetDateTime(29));
    g.writeEndObject();
  }

  private static void tags(JsonGenerator g, UUID[] ids, Map<UUID, Tag> tags) throws IOException {
    g.writeStartArray();
    if (ids.length > 0) {
      List<Tag> own = new ArrayList<>(ids.length);
      for (UUID tagId : ids) {
        Tag t = tags.get(tagId);
        if (t != null) {
          own.add(t);
        }
      }
      own.sort(BY_NAME);
      for (Tag t : own) {
        g.writeStartObject();
        g.writeFieldName(TAG_ID);
        g.writeString(t.id());
        g.writeFieldName(TAG_NAME);
        g.writeString(t.name());
        g.writeFieldName(TAG_COLOR);
        g.writeString(t.color());
        g.writeEndObject();
      }
    }
    g.writeEndArray();
  }

  private static void string(JsonGenerator g, int field, String value) throws IOException {
    g.writeFieldName(NAMES[field]);
    g.writeString(value); // null writes null
  }

  private static void number(JsonGenerator g, int field, Long value) throws IOException {
    g.writeFieldName(NAMES[field]);
    if (value == null) {
      g.writeNull();
    } else {
      g.writeNumber(value);
    }
  }

  private static void time(JsonGenerator g, int field, OffsetDateTime t) throws IOException {
    g.writeFieldName(NAMES[field]);
    byte[] iso = IsoTime.bytes(t);
    if (iso == null) {
      g.writeNull();
    } else {
      g.writeRawUTF8String(iso, 0, iso.length);
    }
  }

  private static String uuid(UUID u) {
    return u == null ? null : u.toString();
  }
}
