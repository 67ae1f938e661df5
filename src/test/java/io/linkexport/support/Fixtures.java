package io.linkexport.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Test data written straight into the embedded Postgres with JDBC: each test builds its own project, so tests never
 * see each other's rows.
 */
public final class Fixtures implements AutoCloseable {

  public final Connection conn;

  public Fixtures() {
    this(TestServices.get().jdbcUrl());
  }

  /** Fixtures on another database of the embedded server (see {@link TestServices#isolatedConfig()}). */
  public Fixtures(String jdbcUrl) {
    try {
      conn = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
      conn.setAutoCommit(true);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public UUID project(String name, String plan) {
    return uuid("INSERT INTO projects (name, plan) VALUES (?, ?) RETURNING id", name, plan);
  }

  /** A project with one owner and that owner's session: what most tests start from. */
  public record Tenant(UUID project, UUID user, String email, String token) {
  }

  /** A new project named {@code name} (made unique) on {@code plan}, with an owner signed in as {@code email}. */
  public Tenant tenant(String name, String plan, String email) {
    UUID project = project(name + " " + UUID.randomUUID().toString().substring(0, 8), plan);
    UUID user = member(project);
    return new Tenant(project, user, email, TestTokens.session(user, email));
  }

  /** Fixtures on the database of a service started with its own ({@link TestApp#isolated}). */
  public static Fixtures of(TestApp app) {
    return of(app.config);
  }

  /** Fixtures on the database a configuration points at. */
  public static Fixtures of(io.linkexport.AppConfig config) {
    return new Fixtures(TestServices.jdbcUrl(config));
  }

  public UUID member(UUID project) {
    return member(project, "owner");
  }

  /** A new user who is a member of {@code project} with {@code role} (owner, admin, member, viewer). */
  public UUID member(UUID project, String role) {
    UUID user = UUID.randomUUID();
    exec("INSERT INTO project_members (project_id, user_id, role) VALUES (?, ?, ?)", project, user, role);
    return user;
  }

  public UUID folder(UUID project, String name) {
    return uuid("INSERT INTO folders (project_id, name) VALUES (?, ?) RETURNING id", project, name);
  }

  public UUID tag(UUID project, String name) {
    return uuid("INSERT INTO tags (project_id, name) VALUES (?, ?) RETURNING id", project, name);
  }

  /** A link builder with defaults; {@link LinkBuilder#insert()} writes it. */
  public LinkBuilder link(UUID project, String slug) {
    return new LinkBuilder(this, project, slug);
  }

  /**
   * {@code n} varied links (names with commas, quotes, line breaks, formula triggers, emoji; both types; several
   * domains; 10% archived; spread over 2025) and a skewed number of clicks and installs for each. Deterministic for a
   * given prefix. Answers the number of links inserted.
   */
  public long bulkLinks(UUID project, int n, String prefix) {
    return bulkLinks(project, n, prefix, 40);
  }

  /** As {@link #bulkLinks(UUID, int, String)} with at most {@code maxClicks} clicks per link. */
  public long bulkLinks(UUID project, int n, String prefix, int maxClicks) {
    exec("INSERT INTO links (project_id, domain, slug, url, name, type, archived, tenant_id, created_at, updated_at)"
      + " SELECT ?, (ARRAY['dub.sh','go.acme.com','lnk.example.io'])[1 + i % 3], ? || '-' || i,"
      + "        'https://example.com/p/' || i || '?utm=x',"
      + "        CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN 'Sale, ' || i || ' \"quoted\"'"
      + "          WHEN 2 THEN '=HYPERLINK(\"http://evil/' || i || '\")' WHEN 3 THEN 'Línea ' || i || E'\n2nd line'"
      + "          WHEN 4 THEN '-' || i || ' off 🚀' WHEN 5 THEN '@mention ' || i ELSE 'Link number ' || i ||"
      + "          ' with a longer description so that rows have a realistic width in the file' END,"
      + "        CASE WHEN i % 4 = 0 THEN 'unified' ELSE 'dynamic' END, i % 10 = 0,"
      + "        CASE WHEN i % 5 = 0 THEN 'tenant-' || (i % 3) END,"
      + "        timestamptz '2025-01-01' + (i * interval '37 minutes'), timestamptz '2025-01-01'"
      + " FROM generate_series(1, ?) i", project, prefix, n);
    exec("INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)"
      + " SELECT l.id, l.created_at + (g * interval '1 hour'),"
      + "        (ARRAY['iPhone','Pixel','Desktop',NULL])[1 + (g + length(l.slug)) % 4],"
      + "        (ARRAY['iOS','Android','macOS','Windows'])[1 + g % 4],"
      + "        (ARRAY['Safari','Chrome','Firefox'])[1 + (g * 7) % 3],"
      + "        (ARRAY['US','DE','FR','IN','BR'])[1 + (g * 3 + length(l.slug)) % 5]"
      + " FROM links l, generate_series(1, 40) g"
      + " WHERE l.project_id = ? AND g <= least(?, (length(l.slug) * 7) % 41)", project, maxClicks);
    exec("INSERT INTO link_installs (link_id, click_id, kind, occurred_at)"
      + " SELECT c.link_id, c.id, CASE WHEN c.id % 3 = 0 THEN 'reopen' ELSE 'install' END, c.clicked_at"
      + " FROM link_clicks c JOIN links l ON l.id = c.link_id WHERE l.project_id = ? AND c.id % 5 = 0", project);
    return count("SELECT count(*) FROM links WHERE project_id = ?", project);
  }

  public void tagLink(UUID link, UUID tag) {
    exec("INSERT INTO link_tags (link_id, tag_id) VALUES (?, ?)", link, tag);
  }

  /** {@code n} clicks on a link with the given attributes, at {@code at}. */
  public void clicks(UUID link, int n, String device, String os, String browser, String country, Instant at) {
    exec("INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)"
      + " SELECT ?, ?, ?, ?, ?, ? FROM generate_series(1, ?)", link, Timestamp.from(at), device, os, browser, country, n);
  }

  public void installs(UUID link, int n, String kind) {
    exec("INSERT INTO link_installs (link_id, kind) SELECT ?, ? FROM generate_series(1, ?)", link, kind, n);
  }

  /** A lead of a link (a sign-up it brought); answers its id. */
  public long lead(UUID link, String customer) {
    return count("INSERT INTO link_leads (link_id, customer_id) VALUES (?, ?) RETURNING id", link, customer);
  }

  /** A sale of {@code amount} cents on a link, converting {@code lead} (or none when null); answers its id. */
  public long sale(UUID link, Long lead, long amount) {
    return count("INSERT INTO link_sales (link_id, lead_id, amount) VALUES (?, ?, ?) RETURNING id", link, lead, amount);
  }

  public UUID uuid(String sql, Object... args) {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return (UUID) rs.getObject(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public long count(String sql, Object... args) {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public List<String> strings(String sql, Object... args) {
    try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void exec(String sql, Object... args) {
    try (PreparedStatement ps = prepare(sql, args)) {
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = conn.prepareStatement(sql);
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  @Override
  public void close() {
    try {
      conn.close();
    } catch (SQLException ignored) {
      // closing a test connection
    }
  }

  /** Builds one link row. */
  public static final class LinkBuilder {
    private final Fixtures f;
    private final UUID project;
    private final String slug;
    private String domain = "dub.sh";
    private String url = "https://example.com/";
    private String name;
    private String type = "dynamic";
    private String tenant;
    private UUID user;
    private UUID folder;
    private boolean archived;
    private Instant createdAt = Instant.now();

    LinkBuilder(Fixtures f, UUID project, String slug) {
      this.f = f;
      this.project = project;
      this.slug = slug;
      this.name = slug;
    }

    public LinkBuilder domain(String v) { domain = v; return this; }
    public LinkBuilder url(String v) { url = v; return this; }
    public LinkBuilder name(String v) { name = v; return this; }
    public LinkBuilder type(String v) { type = v; return this; }
    public LinkBuilder tenant(String v) { tenant = v; return this; }
    public LinkBuilder user(UUID v) { user = v; return this; }
    public LinkBuilder folder(UUID v) { folder = v; return this; }
    public LinkBuilder archived(boolean v) { archived = v; return this; }
    public LinkBuilder createdAt(Instant v) { createdAt = v; return this; }

    public UUID insert() {
      return f.uuid("INSERT INTO links (project_id, domain, slug, url, name, type, tenant_id, user_id, folder_id,"
          + " archived, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        project, domain, slug, url, name, type, tenant, user, folder, archived, Timestamp.from(createdAt),
        Timestamp.from(createdAt));
    }
  }
}
