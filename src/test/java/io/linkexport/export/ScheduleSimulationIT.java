package io.linkexport.export;

import io.linkexport.AppConfig;
import io.linkexport.db.Db;
import io.linkexport.support.Fixtures;
import io.linkexport.support.TestApp;
import io.linkexport.support.TestServices;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes' schedulers on one database run 100 schedules (daily, weekly, monthly; six zones with DST changes and
 * odd offsets) over 30 simulated days, ticking at the same moments, with every node down for two days in the middle:
 * each schedule has exactly one job per period it was due in, none missing (the missed two days caught up once), none
 * twice. The clock is the database's stand-in ({@link Scheduler#tick}'s argument); the expected periods come from an
 * oracle written here, apart from {@link ScheduleSpec}.
 */
class ScheduleSimulationIT {

  private static final Instant T0 = Instant.parse("2026-10-20T00:00:00Z");
  private static final int HOURS = 30 * 24;
  private static final String[] ZONES = {"UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu",
    "Australia/Lord_Howe", "America/New_York"};
  private static final String[] TIMES = {"00:30", "08:00", "12:15", "23:45", "01:30"};

  private record Plan(UUID id, String cadence, Integer weekday, Integer day, LocalTime time, ZoneId zone,
                      boolean windowed) {
  }

  /** The hours of the simulation when every node is down. */
  private static final int DOWN_FROM = 300;
  private static final int DOWN_TO = 348;

  @Test
  void threeNodesRunEachScheduleOncePerPeriodOverThirtyDays() throws Exception {
    TestApp app = TestApp.get();
    AppConfig config = AppConfig.from(TestServices.isolatedConfig());
    List<Plan> plans = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    try (Fixtures db = Fixtures.of(config)) {
      for (int i = 0; i < 100; i++) {
        Fixtures.Tenant t = db.tenant("Sim " + i, "pro", "sim" + i + "@example.com");
        db.exec("INSERT INTO app_users (id, email) VALUES (?, ?)", t.user(), t.email());
        String cadence = i % 3 == 0 ? "daily" : i % 3 == 1 ? "weekly" : "monthly";
        Integer weekday = cadence.equals("weekly") ? i % 7 + 1 : null;
        Integer day = cadence.equals("monthly") ? i % 28 + 1 : null;
        LocalTime time = LocalTime.parse(TIMES[i % TIMES.length]);
        ZoneId zone = ZoneId.of(ZONES[i % ZONES.length]);
        ScheduleSpec spec = new ScheduleSpec(cadence, weekday, day, time, zone);
        UUID id = db.uuid("INSERT INTO export_schedules (project_id, owner_id, request, cadence, weekday,"
            + " day_of_month, run_time, timezone, recipients, time_window, next_run_at)"
            + " VALUES (?, ?, '{}'::jsonb, ?, ?, ?, ?::time, ?, ARRAY[?], ?, ?::timestamptz) RETURNING id",
          t.project(), t.user(), cadence, weekday, day, time.toString(), zone.getId(), t.email(),
          i % 2 == 0 ? "previousPeriod" : null, spec.firstAtOrAfter(T0).toString());
        plans.add(new Plan(id, cadence, weekday, day, time, zone, i % 2 == 0));
      }
      List<Scheduler> nodes = new ArrayList<>();
      FileOptions.Limits limits = new FileOptions.Limits(100_000, 2_000_000);
      for (int n = 0; n < 3; n++) {
        Pool pool = Db.pool(app.vertx, config, 2);
        pools.add(pool);
        nodes.add(new Scheduler(pool, limits, 3, app.vertx.eventBus()));
      }
      Instant last = T0;
      for (int h = 0; h <= HOURS; h++) {
        if (h >= DOWN_FROM && h < DOWN_TO) {
          continue; // every node down for two days
        }
        last = T0.plus(Duration.ofHours(h));
        Instant clock = last;
        // the three nodes tick at once; then workers finish every job (a project runs one export at a time)
        Future.all(nodes.stream().map(s -> s.tick(clock)).toList())
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        db.exec("UPDATE export_jobs SET status = 'completed', finished_at = now() WHERE status = 'pending'");
      }

      int total = 0;
      for (Plan p : plans) {
        Set<String> expected = expectedPeriods(p, last);
        Set<String> ran = new TreeSet<>(db.strings("SELECT period FROM export_schedule_runs WHERE schedule_id = ?",
          p.id()));
        assertThat(ran).as("periods of %s", p).isEqualTo(expected);
        assertThat(db.count("SELECT count(*) FROM export_jobs WHERE schedule_id = ?", p.id()))
          .as("one job per period of %s", p).isEqualTo(expected.size());
        assertThat(db.count("SELECT count(*) FROM export_schedule_runs WHERE schedule_id = ? AND job_id IS NULL",
          p.id())).isZero();
        total += expected.size();
      }
      assertThat(total).as("jobs in all").isGreaterThan(1_000);
      // a window schedule's run reads the previous period in its zone
      Plan windowed = plans.get(0);
      assertThat(db.strings("SELECT filters->>'metricsFrom' FROM export_jobs WHERE schedule_id = ?", windowed.id()))
        .allMatch(v -> v != null && !v.isEmpty());
    } finally {
      pools.forEach(Pool::close);
    }
  }

  /**
   * Every occurrence in [T0, last], each at the first instant of its local time, as the period it is for; of the
   * occurrences missed while every node was down, a schedule without a window runs only the latest (the same file).
   */
  private static Set<String> expectedPeriods(Plan p, Instant last) {
    Instant downFrom = T0.plus(Duration.ofHours(DOWN_FROM - 1));
    Instant backAt = T0.plus(Duration.ofHours(DOWN_TO));
    Map<Instant, String> due = new TreeMap<>();
    LocalDate day = T0.atZone(p.zone()).toLocalDate().minusDays(1);
    LocalDate end = last.atZone(p.zone()).toLocalDate().plusDays(1);
    for (; !day.isAfter(end); day = day.plusDays(1)) {
      boolean isDue = switch (p.cadence()) {
        case "weekly" -> day.getDayOfWeek().getValue() == p.weekday();
        case "monthly" -> day.getDayOfMonth() == p.day();
        default -> true;
      };
      Instant at = ZonedDateTime.ofLocal(LocalDateTime.of(day, p.time()), p.zone(), null).toInstant();
      if (isDue && !at.isBefore(T0) && !at.isAfter(last)) {
        due.put(at, switch (p.cadence()) {
          case "weekly" -> day.get(IsoFields.WEEK_BASED_YEAR) + "-W"
            + String.format("%02d", day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
          case "monthly" -> day.toString().substring(0, 7);
          default -> day.toString();
        });
      }
    }
    if (!p.windowed()) {
      List<Instant> missed = due.keySet().stream().filter(at -> at.isAfter(downFrom) && !at.isAfter(backAt)).toList();
      missed.subList(0, Math.max(0, missed.size() - 1)).forEach(due::remove);
    }
    return new TreeSet<>(due.values());
  }
}
