package io.linkexport.links;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.vertx.sqlclient.Row;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The fields of a link as the list API writes them ({@link LinkJson}), each with the column of
 * {@code sql/links_list.sql} it reads (by position: a lookup by name scans the column names on every call).
 *
 * <p>Decisions (README, "Each link"): {@code password} is never written: links without one get null, links with one
 * {@link #PASSWORD_MARKER} (the statement selects only whether there is a password). {@code qrCode} is the QR code
 * service's URL for the short link, {@code workspaceId} and dub's deprecated {@code projectId} the project's id, dub's
 * deprecated {@code tagId} the first listed tag's id. What dub has and this service does not model (partner programs,
 * disabling, preview videos, webhooks, A/B tests) is null, or an empty list for {@code webhookIds}, as dub writes
 * them for a link without them (dub's current schema has disabledAt, earlier ones the A/B test fields: both are
 * written, so either SDK generation parses the link). In dub's shape a tag colour outside dub's seven (or none) is
 * written as dub's default, blue.
 */
final class LinkFields {

  /** What a password-protected link shows in place of its password. */
  static final String PASSWORD_MARKER = "********";
  /** dub's tag colours; dub's SDKs accept no other. */
  static final Set<String> DUB_COLORS = Set.of("red", "yellow", "green", "blue", "purple", "brown", "pink");
  static final String DUB_DEFAULT_COLOR = "blue";

  // Columns of sql/links_list.sql, by position.
  static final int ID = 0;
  static final int DOMAIN = 1;
  static final int SLUG = 2;
  static final int URL = 3;
  static final int NAME = 4;
  static final int TYPE = 5;
  static final int ARCHIVED = 6;
  static final int EXPIRES_AT = 7;
  static final int FOLDER_ID = 8;
  static final int TENANT_ID = 9;
  static final int EXTERNAL_ID = 10;
  static final int USER_ID = 11;
  static final int IOS = 12;
  static final int ANDROID = 13;
  static final int UTM_SOURCE = 14; // to UTM_SOURCE + 4: utm_medium, utm_campaign, utm_term, utm_content
  static final int CREATED_AT = 19;
  static final int UPDATED_AT = 20;
  static final int CLICKS = 21; // to CLICKS + 3: new_installs, returning_users, attributed_clicks
  static final int TOP_DEVICE = 25; // to TOP_DEVICE + 3: top_os, top_browser, top_country
  static final int LAST_CLICKED = 29;
  /** The link's tag ids and the project's tags version (V7). */
  static final int TAG_IDS = 30;
  static final int TAGS_VERSION = 31;
  static final int TRACK_CONVERSION = 32;
  static final int EXPIRED_URL = 33;
  static final int PASSWORD_PROTECTED = 34;
  static final int PROXY = 35;
  static final int TITLE = 36;
  static final int DESCRIPTION = 37;
  static final int IMAGE = 38;
  static final int REWRITE = 39;
  static final int DO_INDEX = 40;
  static final int GEO = 41;
  static final int PUBLIC_STATS = 42;
  static final int COMMENTS = 43;
  static final int LEADS = 44; // to LEADS + 3: conversions, sales, sale_amount

  /** Writes one field's value. */
  @FunctionalInterface
  interface Writer {
    void write(JsonGenerator g, Row r, Current link) throws IOException;
  }

  /** A field: its name, pre-encoded, and its writer. */
  record Field(String name, SerializedString encodedName, Writer writer) {
    Field(String name, Writer writer) {
      this(name, new SerializedString(name), writer);
    }
  }

  /** The link being written: what several fields derive from its row, computed once, and the page's context. */
  static final class Current {
    private final Map<UUID, LinkJson.Tag> tags;
    private final boolean dub;
    private final String project;
    private final String qrBase;
    private String shortLink;
    private final List<LinkJson.Tag> own = new ArrayList<>();

    Current(Map<UUID, LinkJson.Tag> tags, boolean dub, String project, String qrBase) {
      this.tags = tags;
      this.dub = dub;
      this.project = project;
      this.qrBase = qrBase + (qrBase.indexOf('?') < 0 ? "?url=" : "&url=");
    }

    void of(Row r) {
      shortLink = "https://" + r.getString(DOMAIN) + "/" + r.getString(SLUG);
      own.clear();
      for (UUID tagId : r.getArrayOfUUIDs(TAG_IDS)) {
        LinkJson.Tag t = tags.get(tagId);
        if (t != null) {
          own.add(t);
        }
      }
      own.sort(LinkJson.BY_NAME);
    }
  }

  /** dub.co's link object, in the order of its documented example. */
  static final List<Field> DUB = List.of(
    new Field("id", (g, r, l) -> g.writeString(r.getUUID(ID).toString())),
    text("domain", DOMAIN), text("key", SLUG), text("url", URL),
    bool("trackConversion", TRACK_CONVERSION), text("externalId", EXTERNAL_ID), text("tenantId", TENANT_ID),
    none("programId"), none("partnerId"), bool("archived", ARCHIVED), time("expiresAt", EXPIRES_AT),
    text("expiredUrl", EXPIRED_URL), none("disabledAt"),
    new Field("password", (g, r, l) -> g.writeString(r.getBoolean(PASSWORD_PROTECTED) ? PASSWORD_MARKER : null)),
    bool("proxy", PROXY), text("title", TITLE), text("description", DESCRIPTION), text("image", IMAGE),
    none("video"), bool("rewrite", REWRITE), bool("doIndex", DO_INDEX), text("ios", IOS), text("android", ANDROID),
    new Field("geo", LinkFields::geo), bool("publicStats", PUBLIC_STATS),
    new Field("tags", LinkFields::tags), uuid("folderId", FOLDER_ID),
    new Field("webhookIds", (g, r, l) -> {
      g.writeStartArray();
      g.writeEndArray();
    }),
    text("comments", COMMENTS),
    new Field("shortLink", (g, r, l) -> g.writeString(l.shortLink)),
    new Field("qrCode", (g, r, l) -> g.writeString(l.qrBase + URLEncoder.encode(l.shortLink, StandardCharsets.UTF_8))),
    text("utm_source", UTM_SOURCE), text("utm_medium", UTM_SOURCE + 1), text("utm_campaign", UTM_SOURCE + 2),
    text("utm_term", UTM_SOURCE + 3), text("utm_content", UTM_SOURCE + 4),
    none("testVariants"), none("testStartedAt"), none("testCompletedAt"),
    uuid("userId", USER_ID), new Field("workspaceId", (g, r, l) -> g.writeString(l.project)),
    number("clicks", CLICKS), number("leads", LEADS), number("conversions", LEADS + 1), number("sales", LEADS + 2),
    number("saleAmount", LEADS + 3), time("lastClicked", LAST_CLICKED), time("createdAt", CREATED_AT),
    time("updatedAt", UPDATED_AT),
    new Field("tagId", (g, r, l) -> g.writeString(l.own.isEmpty() ? null : l.own.get(0).id())),
    new Field("projectId", (g, r, l) -> g.writeString(l.project)));

  /** The service's own fields, after dub's. */
  static final List<Field> EXTRA = List.of(
    text("name", NAME), text("type", TYPE), number("newInstalls", CLICKS + 1), number("returningUsers", CLICKS + 2),
    number("attributedClicks", CLICKS + 3), text("topDevice", TOP_DEVICE), text("topOs", TOP_DEVICE + 1),
    text("topBrowser", TOP_DEVICE + 2), text("topCountry", TOP_DEVICE + 3));

  static final List<Field> ALL = Stream.concat(DUB.stream(), EXTRA.stream()).toList();

  private LinkFields() {
  }

  private static Field text(String name, int column) {
    return new Field(name, (g, r, l) -> g.writeString(r.getString(column))); // null writes null
  }

  private static Field uuid(String name, int column) {
    return new Field(name, (g, r, l) -> {
      UUID u = r.getUUID(column);
      g.writeString(u == null ? null : u.toString());
    });
  }

  private static Field bool(String name, int column) {
    return new Field(name, (g, r, l) -> {
      Boolean b = r.getBoolean(column);
      if (b == null) {
        g.writeNull();
      } else {
        g.writeBoolean(b);
      }
    });
  }

  private static Field number(String name, int column) {
    return new Field(name, (g, r, l) -> {
      Long v = r.getLong(column);
      if (v == null) {
        g.writeNull();
      } else {
        g.writeNumber(v);
      }
    });
  }

  private static Field time(String name, int column) {
    return new Field(name, (g, r, l) -> {
      OffsetDateTime t = r.getOffsetDateTime(column);
      byte[] iso = IsoTime.bytes(t);
      if (iso == null) {
        g.writeNull();
      } else {
        g.writeRawUTF8String(iso, 0, iso.length);
      }
    });
  }

  private static Field none(String name) {
    return new Field(name, (g, r, l) -> g.writeNull());
  }

  /** The stored JSON object as Postgres prints it (valid JSON), or null. */
  private static void geo(JsonGenerator g, Row r, Current l) throws IOException {
    String geo = r.getString(GEO);
    if (geo == null) {
      g.writeNull();
    } else {
      g.writeRawValue(geo);
    }
  }

  private static void tags(JsonGenerator g, Row r, Current l) throws IOException {
    g.writeStartArray();
    for (LinkJson.Tag t : l.own) {
      g.writeStartObject();
      g.writeFieldName("id");
      g.writeString(t.id());
      g.writeFieldName("name");
      g.writeString(t.name());
      g.writeFieldName("color");
      g.writeString(l.dub && (t.color() == null || !DUB_COLORS.contains(t.color())) ? DUB_DEFAULT_COLOR : t.color());
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
