package io.linkexport.dev;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.linkexport.AppConfig;
import io.linkexport.Application;
import io.linkexport.seed.SeedCommand;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The dev stack (README, first command: {@code mvn -Pdev}): a real Postgres, a real S3 API (s3proxy, SigV4 on) and
 * an SMTP server (GreenMail) on loopback, data kept under {@code ./.dev/}, then the service itself. Seeds a demo
 * project on first start, prints a 24-hour dev token and ready-to-paste curl commands, and prints every email the
 * service sends. Lives in test scope: none of this reaches the production jar.
 */
public final class DevStack {

  public static final UUID DEMO_PROJECT = UUID.fromString("00000000-0000-4000-8000-00000000d001");
  public static final UUID FREE_PROJECT = UUID.fromString("00000000-0000-4000-8000-00000000f001");
  public static final UUID DEMO_USER = UUID.fromString("00000000-0000-4000-8000-0000000000a1");
  public static final String DEMO_EMAIL = "demo@link-export.dev";

  private DevStack() {
  }

  /** A running dev stack: the embedded servers, the service, and a signed-in dashboard URL for the demo user. */
  public record Running(EmbeddedServices services, Vertx vertx, AppConfig config, Application app, String token) implements AutoCloseable {

    public String baseUrl() {
      return "http://127.0.0.1:" + app.httpPort();
    }

    /** Opens the dashboard signed in as the demo user on the pro project (the token travels in the fragment). */
    public String dashboardUrl() {
      return baseUrl() + "/#token=" + token + "&project=" + DEMO_PROJECT;
    }

    @Override
    public void close() throws Exception {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } finally {
        services.close();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    System.out.println("starting embedded Postgres, s3proxy and GreenMail (data in .dev/) ...");
    Running stack = start(Path.of(".dev").toAbsolutePath(), env("DEV_PG_PORT", 54329), env("DEV_S3_PORT", 9000),
      env("DEV_SMTP_PORT", 2525), env("HTTP_PORT", 8080));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        stack.close();
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    banner(stack);
    printMail(stack.services());
  }

  /**
   * Starts the embedded servers (data under {@code dataDir}), the service on {@code httpPort} (0: any free port) and
   * seeds the demo projects on first start. The dashboard E2E test runs exactly this.
   */
  public static Running start(Path dataDir, int pgPort, int s3Port, int smtpPort, int httpPort) throws Exception {
    EmbeddedServices services = EmbeddedServices.start(dataDir, pgPort, s3Port, smtpPort);
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject json = AppConfig.load(vertx).toCompletionStage().toCompletableFuture().get().json()
        .mergeIn(services.config());
      int port = httpPort == 0 ? EmbeddedServices.freePort() : httpPort;
      json.put(AppConfig.HTTP_PORT, port).put(AppConfig.DASHBOARD_URL, "http://127.0.0.1:" + port);
      // a developer's webhook receiver listens on this machine (production refuses private targets)
      if (!json.containsKey(AppConfig.WEBHOOK_ALLOW_PRIVATE_TARGETS)) {
        json.put(AppConfig.WEBHOOK_ALLOW_PRIVATE_TARGETS, true);
      }
      AppConfig config = AppConfig.from(json);
      Application app = Application.start(vertx, config).toCompletionStage().toCompletableFuture()
        .get(120, TimeUnit.SECONDS);
      seedOnce(vertx, config, services);
      return new Running(services, vertx, config, app, TestTokens.session(DEMO_USER, DEMO_EMAIL, Duration.ofHours(24)));
    } catch (Exception | Error e) {
      vertx.close();
      services.close();
      throw e;
    }
  }

  private static void seedOnce(Vertx vertx, AppConfig config, EmbeddedServices services) throws Exception {
    if (exists(services, DEMO_PROJECT)) {
      return;
    }
    System.out.println("first start: seeding the demo project (5,000 links, 200,000 clicks) ...");
    run(vertx, config, List.of("--links", "5000", "--clicks", "200000", "--project", DEMO_PROJECT.toString(),
      "--user", DEMO_USER.toString(), "--plan", "pro", "--name", "Acme Shop"));
    run(vertx, config, List.of("--links", "50", "--clicks", "500", "--project", FREE_PROJECT.toString(),
      "--user", DEMO_USER.toString(), "--plan", "free", "--name", "Side project"));
  }

  private static void run(Vertx vertx, AppConfig config, List<String> args) throws Exception {
    String last = SeedCommand.run(vertx, config, args).toCompletionStage().toCompletableFuture()
      .get(10, TimeUnit.MINUTES);
    System.out.println(last);
  }

  private static boolean exists(EmbeddedServices services, UUID project) throws Exception {
    try (Connection c = DriverManager.getConnection(services.jdbcUrl(), "postgres", "postgres");
         ResultSet rs = c.createStatement().executeQuery("SELECT 1 FROM projects WHERE id = '" + project + "'")) {
      return rs.next();
    }
  }

  private static void banner(Running stack) {
    EmbeddedServices services = stack.services();
    String token = stack.token();
    String base = stack.baseUrl();
    String api = base + "/api/v1/projects/" + DEMO_PROJECT;
    System.out.println("""

      ============================================================================================
      link-export dev stack is up
        Dashboard:  %s
                    (opens signed in as the demo user; the token stays in this browser tab)
        API:        %s
        Postgres:   %s   (user postgres / postgres)
        S3:         %s   (bucket %s, key %s / %s)
        SMTP:       127.0.0.1:%d (GreenMail; received mail is printed below)
        demo user:  %s <%s>, member of the pro project %s
                    and of the free project %s

      export TOKEN=%s

      curl -s -H "Authorization: Bearer $TOKEN" '%s/links?sortBy=clicks&pageSize=5'
      curl -s -H "Authorization: Bearer $TOKEN" '%s/links?search=sale&createdAfter=2025-06-01'
      curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
           -d '{"sortBy":"clicks","showArchived":true}' '%s/links/export'
      curl -s -H "Authorization: Bearer $TOKEN" '%s/links/export/<jobId>'     # poll; downloadUrl when completed
      curl -s -H "Authorization: Bearer $TOKEN" '%s/links/export'             # recent exports
      curl -s -X POST -H "Authorization: Bearer $TOKEN" '%s/api/v1/projects/%s/links/export'   # free plan: 402
      ============================================================================================
      """.formatted(stack.dashboardUrl(), base, services.pgUrl(), services.s3Endpoint(), EmbeddedServices.S3_BUCKET,
      EmbeddedServices.S3_ACCESS_KEY, EmbeddedServices.S3_SECRET_KEY, services.smtpPort(), DEMO_USER, DEMO_EMAIL,
      DEMO_PROJECT, FREE_PROJECT, token, api, api, api, api, api, base, FREE_PROJECT));
  }

  /** Prints each email GreenMail receives: who, subject, and the text part. Runs until the JVM exits. */
  private static void printMail(EmbeddedServices services) throws InterruptedException {
    int seen = 0;
    while (true) {
      MimeMessage[] all = services.smtp().getReceivedMessages();
      for (; seen < all.length; seen++) {
        try {
          MimeMessage m = all[seen];
          System.out.println("\n---- email to " + List.of(m.getAllRecipients()) + ": " + m.getSubject() + "\n"
            + GreenMailUtil.getBody(m).lines().limit(40).reduce("", (a, b) -> a + b + "\n") + "----");
        } catch (Exception e) {
          System.out.println("---- email (unreadable: " + e.getMessage() + ")");
        }
      }
      Thread.sleep(1000);
    }
  }

  private static int env(String name, int def) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? def : Integer.parseInt(v.trim());
  }
}
