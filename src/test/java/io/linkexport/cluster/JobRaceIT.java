package io.linkexport.cluster;

import io.linkexport.AppConfig;
import io.linkexport.support.Await;
import io.linkexport.support.EmbeddedServices;
import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.Storage;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes x three workers race for 200 small jobs (one per project: one active export per project is a rule).
 * Every job must complete exactly once: one completion in the job table, one object in the bucket (each attempt
 * writes its own key, so a job completed twice would leave two), one email, and the right rows in its file.
 */
class JobRaceIT {

  static final int JOBS = 200;
  static final List<TestApp> nodes = new ArrayList<>();
  static Fixtures db;

  @BeforeAll
  static void start() throws Exception {
    JsonObject base = TestApp.isolatedConfig(new JsonObject()
      .put(AppConfig.EXPORT_WORKERS, 3).put(AppConfig.EXPORT_POLL_MS, 100));
    int[] ports = {EmbeddedServices.freePort(), EmbeddedServices.freePort(), EmbeddedServices.freePort()};
    String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
    String name = "race-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < 3; i++) {
      nodes.add(TestApp.clustered(ClusterIT.node(base, name, ports[i], members), true));
    }
    db = Fixtures.of(nodes.get(0).config);
  }

  @AfterAll
  static void stop() {
    db.close();
    nodes.forEach(TestApp::close);
  }

  @Test
  void twoHundredJobsOnThreeNodesCompleteExactlyOnce() throws Exception {
    List<UUID> projects = new ArrayList<>();
    List<String> jobs = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String s = UUID.randomUUID().toString().substring(0, 6);
    for (int i = 0; i < JOBS; i++) {
      UUID project = db.project("Race " + i + " " + s, "pro");
      UUID user = db.member(project);
      int links = 1 + i % 5;
      db.bulkLinks(project, links, "r" + i + "-" + s);
      projects.add(project);
      sizes.add(links);
      // started on the three nodes in turn
      jobs.add(Exports.start(nodes.get(i % 3), project, TestTokens.session(user, "race" + i + "@example.com"),
        new JsonObject().put("showArchived", true)));
    }

    Await.until("all jobs to finish", Duration.ofSeconds(120), () -> db.count("SELECT count(*) FROM export_jobs"
      + " WHERE id = ANY(?::uuid[]) AND status IN ('completed', 'failed')", (Object) jobs.toArray(new String[0])) == JOBS);

    assertThat(db.count("SELECT count(*) FROM export_jobs WHERE id = ANY(?::uuid[]) AND status = 'completed'",
      (Object) jobs.toArray(new String[0]))).as("none lost, none failed").isEqualTo(JOBS);
    assertThat(db.count("SELECT count(*) FROM mail_outbox WHERE job_id = ANY(?::uuid[])",
      (Object) jobs.toArray(new String[0]))).as("one email per job").isEqualTo(JOBS);
    long reprocessed = db.count("SELECT count(*) FROM export_jobs WHERE id = ANY(?::uuid[]) AND attempt > 1",
      (Object) jobs.toArray(new String[0]));
    for (int i = 0; i < JOBS; i++) {
      List<Path> objects = Storage.objects(projects.get(i), jobs.get(i));
      assertThat(objects).as("exactly one object for job %s", jobs.get(i)).hasSize(1);
      assertThat(Exports.parse(Files.readAllBytes(objects.get(0)))).hasSize(1 + sizes.get(i));
    }
    List<String> workers = db.strings("SELECT DISTINCT lease_owner FROM export_jobs WHERE id = ANY(?::uuid[])",
      (Object) jobs.toArray(new String[0]));
    System.out.printf("job race: %d jobs completed exactly once by %d workers (%d needed a second attempt)%n", JOBS,
      workers.size(), reprocessed);
    assertThat(workers.size()).as("the work was shared by the nodes' workers").isGreaterThan(3);
  }
}
