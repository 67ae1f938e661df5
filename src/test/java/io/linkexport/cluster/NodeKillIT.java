package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.Mailbox;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.FaultProxy;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two service nodes as separate JVMs ({@code java -jar target/link-export.jar}, CLUSTER=true) on one Postgres, S3
 * reached through a {@link FaultProxy} that holds part 2 of the upload, so the job is caught mid-export with part 1
 * uploaded. Then the node that holds the job is SIGKILLed (or SIGTERMed) and the other one must finish it.
 */
class NodeKillIT {

  static final int LEASE_SECONDS = 5;
  static final int STALL_SECONDS = 5;
  // about 7 MB of CSV, two parts of at least 5 MiB; without clicks: 40,000 links with up to 40 clicks each took 30 s
  // of each test to seed (the rollup triggers), and the scenarios need bytes, not analytics
  static final int LINKS = 60_000;

  FaultProxy s3;
  JsonObject base;
  Fixtures db;
  final List<ChildNode> nodes = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    s3 = FaultProxy.start(TestServices.get().s3Port());
    base = TestApp.isolatedConfig(new JsonObject()
      .put(AppConfig.S3_ENDPOINT, "http://127.0.0.1:" + s3.port())
      .put(AppConfig.EXPORT_LEASE_SECONDS, LEASE_SECONDS)
      .put(AppConfig.EXPORT_STOP_GRACE_MS, 500)
      // the server ends an export transaction idle for twice this (10 s): what a frozen node's is
      .put(AppConfig.EXPORT_STALL_SECONDS, STALL_SECONDS)
      .put(AppConfig.EXPORT_WORKERS, 1));
    db = Fixtures.of(AppConfig.from(base));
    int p1 = EmbeddedServices.freePort();
    int p2 = EmbeddedServices.freePort();
    String members = "127.0.0.1:" + p1 + ",127.0.0.1:" + p2;
    String name = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    nodes.add(ChildNode.launch(ClusterIT.node(base, name, p1, members), "node1"));
    nodes.add(ChildNode.launch(ClusterIT.node(base, name, p2, members), "node2"));
    for (ChildNode n : nodes) {
      n.awaitHealthy();
    }
  }

  @AfterEach
  void stop() throws Exception {
    for (ChildNode n : nodes) {
      n.process().destroyForcibly().waitFor();
    }
    s3.close();
    db.close();
  }

  @Test
  void aKilledNodesExportIsRestartedElsewhereAndCompletesOnce() throws Exception {
    Scenario sc = startHeldExport();
    ChildNode holder = sc.holder();
    long killedAt = System.nanoTime();
    holder.process().destroyForcibly(); // SIGKILL
    holder.process().waitFor();
    s3.release();

    // the rescue is the claim of the next attempt, a matter of the lease; the export that follows takes its own time
    Await.until("another node to claim the job", Duration.ofSeconds(LEASE_SECONDS + 30), () -> db.count(
      "SELECT count(*) FROM export_jobs WHERE id = ? AND attempt >= 2", UUID.fromString(sc.jobId())) == 1);
    long claimMs = (System.nanoTime() - killedAt) / 1_000_000;
    JsonObject job = sc.awaitOn(survivor(holder), Duration.ofSeconds(60));
    long recoveryMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.printf("node kill: export %s claimed again after %,d ms and completed on the surviving node after"
      + " %,d ms (lease %d s)%n", sc.jobId(), claimMs, recoveryMs, LEASE_SECONDS);
    sc.assertCompleteAndExactlyOnce(job, survivor(holder));
    assertThat(job.getInteger("attempt")).isGreaterThanOrEqualTo(2);
    assertThat(claimMs).as("claimed again within the lease and a few seconds").isLessThan((LEASE_SECONDS + 10) * 1000L);
  }

  @Test
  void aStoppedNodeHandsItsExportBackAndLeavesCleanly() throws Exception {
    Scenario sc = startHeldExport();
    ChildNode holder = sc.holder();
    long stoppedAt = System.nanoTime();
    holder.process().destroy(); // SIGTERM
    // the node's grace (500 ms) ends while part 2 is held: it stops, aborts its upload and releases the lease
    boolean exited = holder.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    long exitMs = (System.nanoTime() - stoppedAt) / 1_000_000;
    s3.release();
    assertThat(exited).as("the node exits within a bounded time").isTrue();

    JsonObject job = sc.awaitOn(survivor(holder), Duration.ofSeconds(60));
    long takeoverMs = (System.nanoTime() - stoppedAt) / 1_000_000;
    System.out.printf("node stop: exited in %,d ms, export taken over and completed in %,d ms%n", exitMs, takeoverMs);
    sc.assertCompleteAndExactlyOnce(job, survivor(holder));
    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE id = ? AND error_code IS NULL",
      UUID.fromString(sc.jobId()))).isEqualTo(1);
  }

  /**
   * Verifies that a frozen node (SIGSTOP, as a paused VM) does not hold its export's snapshot for long: the server
   * ends its idle transaction after twice the stall limit (it would otherwise hold back vacuum and queue migrations
   * behind its locks for as long as the node stays frozen), and another node completes the export.
   */
  @Test
  void aFrozenNodesSnapshotIsEndedByTheServerAndItsExportCompletesElsewhere() throws Exception {
    Scenario sc = startHeldExport();
    List<String> snapshot = Await.value("the holder's export transaction, idle while part 2 is held",
      Duration.ofSeconds(20), () -> {
        List<String> pids = db.strings("SELECT pid::text FROM pg_stat_activity WHERE application_name ="
          + " 'link-export-worker' AND state LIKE 'idle in transaction%' AND backend_xmin IS NOT NULL");
        return pids.size() == 1 ? pids : null;
      });
    long frozenAt = System.nanoTime();
    sc.holder().signal("STOP");
    s3.release();

    JsonObject job = sc.awaitOn(survivor(sc.holder()), Duration.ofSeconds(LEASE_SECONDS + 60));
    sc.assertCompleteAndExactlyOnce(job, survivor(sc.holder()));
    Await.until("the server to end the frozen node's transaction", Duration.ofSeconds(4L * STALL_SECONDS + 20),
      () -> db.count("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", Integer.parseInt(snapshot.get(0))) == 0);
    System.out.printf("frozen node: its snapshot ended %,d ms after the freeze%n",
      (System.nanoTime() - frozenAt) / 1_000_000);
  }

  /** An export of LINKS links caught with part 1 uploaded and part 2 held, and the node running it. */
  record Scenario(NodeKillIT it, UUID project, String email, String token, String jobId, ChildNode holder) {
    JsonObject awaitOn(ChildNode node, Duration timeout) throws Exception {
      return Await.value("job " + jobId + " to finish", timeout, () -> {
        JsonObject job;
        try {
          job = node.get(Exports.base(project) + "/" + jobId, token).data();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        return Set.of("completed", "failed").contains(job.getString("status")) ? job : null;
      });
    }

    void assertCompleteAndExactlyOnce(JsonObject job, ChildNode node) throws Exception {
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getLong("rowCount")).isEqualTo(LINKS);
      HttpResponse<byte[]> file = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
        HttpRequest.newBuilder(URI.create(job.getString("downloadUrl"))).build(), HttpResponse.BodyHandlers.ofByteArray());
      List<List<String>> rows = Exports.parse(file.body());
      assertThat(rows).hasSize(1 + LINKS);
      Set<String> slugs = new HashSet<>();
      rows.subList(1, rows.size()).forEach(r -> slugs.add(r.get(2)));
      assertThat(slugs).as("no duplicate rows").hasSize(LINKS);
      // one object for the job, no multipart upload left behind by the dead attempt
      assertThat(Storage.objects(project, jobId)).hasSize(1);
      assertThat(Storage.incompleteUploads(AppConfig.from(it.base), "exports/" + project + "/")).isEmpty();
      // exactly one "export ready" email
      Mailbox.exactlyOne(TestServices.get().smtp(), it.db, UUID.fromString(jobId), email);
    }
  }

  private Scenario startHeldExport() throws Exception {
    UUID project = db.project("Kill " + UUID.randomUUID(), "pro");
    String email = "kill-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    UUID user = db.member(project);
    assertThat(db.bulkLinks(project, LINKS, "k-" + UUID.randomUUID().toString().substring(0, 6), 0))
      .isEqualTo(LINKS);
    String token = TestTokens.session(user, email);
    s3.hold(line -> line.startsWith("PUT ") && line.matches(".*[?&]partNumber=2[& ].*"));
    HttpResponse<String> started = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + nodes.get(0).httpPort() + Exports.base(project)))
      .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString("{\"showArchived\":true}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String jobId = new JsonObject(started.body()).getJsonObject("data").getString("jobId");
    Await.until("part 2 of the upload to reach S3", Duration.ofSeconds(60), () -> s3.heldRequests() > 0);
    String owner = db.strings("SELECT lease_owner FROM export_jobs WHERE id = ?", UUID.fromString(jobId)).get(0);
    long pid = Long.parseLong(owner.substring(owner.indexOf(':') + 1, owner.indexOf('/')));
    ChildNode holder = nodes.stream().filter(n -> n.process().pid() == pid).findFirst()
      .orElseThrow(() -> new AssertionError("no node has pid " + pid + " (lease owner " + owner + ")"));
    return new Scenario(this, project, email, token, jobId, holder);
  }

  private ChildNode survivor(ChildNode gone) {
    return nodes.stream().filter(n -> n != gone).findFirst().orElseThrow();
  }
}
