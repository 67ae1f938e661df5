package io.linkexport.export;

import io.linkexport.support.Exports;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestTokens;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verifies that a windowed export is one consistent snapshot while writers insert, update and delete events in and
 * around the window: every writer's transaction keeps the number of clicks inside the window constant (it moves
 * clicks between links, shifts them across UTC midnights inside the window, or deletes one inside and inserts one at
 * the window's first or last millisecond), so the Clicks column of every file must add up to that number; a file
 * read partly before and partly after a writer (the day rows and the raw edges of two moments) would not.
 */
class WindowSnapshotIT {

  /** The window: two whole UTC days and two partial ones of Kathmandu's local days (edges at 18:15 UTC). */
  static final String FROM = "2026-11-01";
  static final String TO = "2026-11-04";
  static final String ZONE = "Asia/Kathmandu";
  static final Instant START = Instant.parse("2026-10-31T18:15:00Z");
  static final Instant END = Instant.parse("2026-11-03T18:15:00Z");
  static final int LINKS = 400;
  static final int INSIDE = 6_000;

  static TestApp app;
  static Fixtures db;
  static UUID project;
  static String token;
  static List<UUID> links = new ArrayList<>();

  @BeforeAll
  static void seed() {
    app = TestApp.get();
    db = new Fixtures();
    String s = UUID.randomUUID().toString().substring(0, 8);
    project = db.project("Window snapshot " + s, "pro");
    token = TestTokens.session(db.member(project), "snap-" + s + "@example.com");
    db.bulkLinks(project, LINKS, "ws-" + s, 0);
    links.addAll(db.strings("SELECT id::text FROM links WHERE project_id = ? ORDER BY id", project).stream()
      .map(UUID::fromString).toList());
    // INSIDE clicks spread over the window (edges included: its first and last millisecond), as many outside
    db.exec("INSERT INTO link_clicks (link_id, clicked_at, device, country)"
      + " SELECT (SELECT array_agg(id ORDER BY id) FROM links WHERE project_id = ?)[1 + g % ?],"
      + " ?::timestamptz + (g % 3) * interval '1 millisecond' + (random() * ((?::timestamptz - ?::timestamptz)"
      + " - interval '3 milliseconds')), 'mobile', 'NP' FROM generate_series(1, ?) g",
      project, LINKS, java.sql.Timestamp.from(START), java.sql.Timestamp.from(END), java.sql.Timestamp.from(START),
      INSIDE);
    db.exec("INSERT INTO link_clicks (link_id, clicked_at, device) SELECT (SELECT array_agg(id ORDER BY id) FROM links"
      + " WHERE project_id = ?)[1 + g % ?], CASE WHEN g % 2 = 0 THEN ?::timestamptz - g * interval '1 second'"
      + " ELSE ?::timestamptz + g * interval '1 second' END, 'desktop' FROM generate_series(1, ?) g", project, LINKS,
      java.sql.Timestamp.from(START), java.sql.Timestamp.from(END), INSIDE);
    assertThat(inside()).isEqualTo(INSIDE);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static long inside() {
    return db.count("SELECT count(*) FROM link_clicks c JOIN links l ON l.id = c.link_id WHERE l.project_id = ?"
      + " AND c.clicked_at >= ? AND c.clicked_at < ?", project, java.sql.Timestamp.from(START),
      java.sql.Timestamp.from(END));
  }

  @Test
  void everyWindowedFileIsOneSnapshotWhileWritersMoveEvents() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong writes = new AtomicLong();
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      Random rnd = new Random(w);
      writers.add(CompletableFuture.runAsync(() -> {
        try (Fixtures mine = new Fixtures()) {
          while (!stop.get()) {
            write(mine, rnd);
            writes.incrementAndGet();
          }
        }
      }));
    }
    JsonObject body = new JsonObject().put("metricsFrom", FROM).put("metricsTo", TO).put("timezone", ZONE)
      .put("sortBy", "clicks").put("showArchived", true);
    try {
      for (int i = 0; i < 4; i++) {
        String jobId = Exports.start(app, project, token, body);
        JsonObject job = Exports.await(app, project, token, jobId, Duration.ofSeconds(120));
        assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
        List<List<String>> rows = Exports.parse(Exports.download(app, job.getString("downloadUrl")).body());
        assertThat(rows).hasSize(LINKS + 1);
        long sum = rows.subList(1, rows.size()).stream().mapToLong(r -> Long.parseLong(r.get(5))).sum();
        assertThat(sum).as("the window's clicks in export %d, after %d writes", i, writes.get()).isEqualTo(INSIDE);
      }
    } finally {
      stop.set(true);
      for (CompletableFuture<Void> w : writers) {
        w.get();
      }
    }
    assertThat(writes.get()).as("the writers ran during the exports").isPositive();
    assertThat(inside()).isEqualTo(INSIDE);
  }

  /** One transaction that keeps the window's click count: a move between links, a shift inside, or a replacement. */
  private static void write(Fixtures db, Random rnd) {
    UUID a = links.get(rnd.nextInt(LINKS));
    UUID b = links.get(rnd.nextInt(LINKS));
    String inWindow = "clicked_at >= '" + START + "' AND clicked_at < '" + END + "'";
    switch (rnd.nextInt(3)) {
      case 0 -> db.exec("UPDATE link_clicks SET link_id = ? WHERE id IN (SELECT id FROM link_clicks WHERE link_id = ?"
        + " AND " + inWindow + " LIMIT 3)", b, a);
      case 1 -> db.exec("UPDATE link_clicks SET clicked_at = ?::timestamptz + random() * interval '2 days',"
        + " device = 'tablet' WHERE id IN (SELECT id FROM link_clicks WHERE link_id = ? AND " + inWindow
        + " LIMIT 2)", java.sql.Timestamp.from(START.plusSeconds(3600)), a);
      default -> db.exec("WITH gone AS (DELETE FROM link_clicks WHERE id = (SELECT id FROM link_clicks WHERE link_id = ?"
        + " AND " + inWindow + " LIMIT 1) RETURNING 1)"
        + " INSERT INTO link_clicks (link_id, clicked_at, device) SELECT ?, ?, 'mobile' FROM gone", a, b,
        java.sql.Timestamp.from(rnd.nextBoolean() ? START : END.minusMillis(1)));
    }
  }
}
