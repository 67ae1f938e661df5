package io.linkexport.export;

import io.linkexport.bus.Addresses;
import io.linkexport.bus.Failures;
import io.linkexport.db.SqlStatements;
import io.linkexport.links.FilterParam;
import io.linkexport.links.LinkFilter;
import io.linkexport.projects.Membership;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Runs due schedules: every node calls {@link #tick} every {@code SCHEDULE_POLL_MS}. Each due schedule is handled in
 * a transaction of its own that locks it (SKIP LOCKED: nodes take different schedules) by the database's clock, and
 * writes its period's run (unique per schedule and period), the export job and the next due time together: exactly
 * one job per schedule and period, whatever the nodes, restarts or clocks. A run waits while another export of the
 * project is pending or processing (the project's one active export) and starts at a later tick. Missed runs (every
 * node down at the due time, or the project's exports busy) run once each, oldest first, when the schedule has a
 * window (each period is another file) and they are at most {@link #CATCH_UP} old; otherwise only the latest runs.
 * A schedule whose owner left the project (or lost the right to export, or whose project is on the free plan now),
 * or whose recipients are all gone, pauses itself and says why.
 */
public final class Scheduler {

  /** How far back missed runs are caught up. */
  public static final Duration CATCH_UP = Duration.ofDays(7);

  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
  private static final int MAX_PER_TICK = 200;

  /** What a round did with one schedule. */
  enum Outcome { NONE, STARTED, BLOCKED, PAUSED, SKIPPED, DUPLICATE }

  private final Pool pool;
  private final JobStore jobs;
  private final FileOptions.Limits limits;
  private final int maxAttempts;
  private final EventBus bus;

  public Scheduler(Pool pool, FileOptions.Limits limits, int maxAttempts, EventBus bus) {
    this.pool = pool;
    this.jobs = new JobStore(pool);
    this.limits = limits;
    this.maxAttempts = maxAttempts;
    this.bus = bus;
  }

  /** Handles every due schedule ({@code clock} null: the database's now); answers how many jobs it started. */
  public Future<Integer> tick(Instant clock) {
    return round(clock, new HashSet<>(), 0, 0);
  }

  private Future<Integer> round(Instant clock, Set<UUID> blocked, int started, int handled) {
    if (handled >= MAX_PER_TICK) {
      return Future.succeededFuture(started);
    }
    return runOne(clock, blocked.toArray(new UUID[0])).compose(r -> {
      if (r.outcome() == Outcome.NONE) {
        return Future.succeededFuture(started);
      }
      if (r.outcome() == Outcome.BLOCKED) {
        blocked.add(r.scheduleId());
      }
      return round(clock, blocked, started + (r.outcome() == Outcome.STARTED ? 1 : 0), handled + 1);
    });
  }

  /** What a round did; {@code event} is published once its transaction committed (null: nothing to tell). */
  record Result(Outcome outcome, UUID scheduleId, JsonObject event) {
    Result(Outcome outcome, UUID scheduleId) {
      this(outcome, scheduleId, null);
    }
  }

  private Future<Result> runOne(Instant clock, UUID[] skip) {
    UUID[] claimed = new UUID[1];
    return pool.withTransaction(conn -> conn.preparedQuery(SqlStatements.get("schedule_claim_due"))
        .execute(Tuple.tuple().addOffsetDateTime(clock == null ? null : clock.atOffset(ZoneOffset.UTC))
          .addArrayOfUUID(skip))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new Result(Outcome.NONE, null));
          }
          Row row = rows.iterator().next();
          claimed[0] = row.getUUID("id"); // before anything that may throw: a failed round skips it, not the tick
          Schedule s = Schedule.from(row);
          if (!s.zoneKnown()) {
            // created by a node whose time-zone data is newer: left for such a node, never run at a UTC time
            return Future.failedFuture(new IllegalStateException("its time zone " + s.timezone()
              + " is unknown to this server's time-zone data"));
          }
          return handle(conn, s, row.getOffsetDateTime("clock_now").toInstant());
        }))
      .onSuccess(r -> {
        if (r.event() != null) {
          if (r.outcome() == Outcome.STARTED) {
            bus.publish(Addresses.EXPORT_WAKEUP, new JsonObject());
          }
          bus.publish(Addresses.SCHEDULE_EVENTS, r.event());
        }
      })
      .recover(err -> {
        if (claimed[0] != null && Failures.hasSqlState(err, Failures.UNIQUE_VIOLATION)) {
          // the project's export still runs: this period's run starts at a later tick
          return Future.succeededFuture(new Result(Outcome.BLOCKED, claimed[0]));
        }
        if (claimed[0] == null) {
          return Future.failedFuture(err);
        }
        LOG.warn("schedule {}: its round failed, tried again at a later tick: {}", claimed[0], err.getMessage());
        return Future.succeededFuture(new Result(Outcome.BLOCKED, claimed[0]));
      });
  }

  private Future<Result> handle(SqlConnection conn, Schedule s, Instant now) {
    Instant due = s.nextRunAt().toInstant();
    // runs missed for longer than CATCH_UP, or missed runs of a schedule without a window (each would be the same
    // file), come down to the latest one
    boolean behind = !s.spec().nextAfter(due).isAfter(now);
    if (behind && (due.isBefore(now.minus(CATCH_UP)) || s.window() == null)) {
      Instant latest = s.spec().latestAtOrBefore(now);
      LOG.warn("schedule {} missed its runs from {} to before {}: only the latest runs", s.id(), due, latest);
      return advance(conn, s, latest).map(new Result(Outcome.SKIPPED, s.id()));
    }
    return Membership.find(conn, s.projectId(), s.ownerId())
      .compose(owner -> {
        String why = owner == null ? "its owner is no longer a member of the project"
          : owner.freePlan() ? "the project is on the free plan"
          : !owner.role().usesExports() ? "its owner's role cannot export"
          : null;
        return why != null ? pause(conn, s, why) : recipients(conn, s).compose(to -> to.isEmpty()
          ? pause(conn, s, "none of its recipients is a member of the project any more")
          : start(conn, s, due, to));
      });
  }

  private Future<List<String>> recipients(SqlConnection conn, Schedule s) {
    return ScheduleService.memberAddresses(conn, s.projectId()).map(members -> s.recipients().stream()
      .map(r -> r.toLowerCase(Locale.ROOT)).filter(members::contains).distinct().toList());
  }

  private Future<Result> start(SqlConnection conn, Schedule s, Instant due, List<String> to) {
    String period = s.spec().period(due);
    Instant next = s.spec().nextAfter(due);
    JobStore.NewJob job;
    try {
      job = newJob(s, due, to);
    } catch (RuntimeException e) {
      // before the period's run is written: once the request is fixed and the schedule resumed, the period can run
      return pause(conn, s, "its export request is no longer valid: " + e.getMessage());
    }
    return conn.preparedQuery(SqlStatements.get("schedule_run_insert")).execute(Tuple.of(s.id(), period,
        due.atOffset(ZoneOffset.UTC), null))
      .compose(run -> {
        if (run.size() == 0) {
          return advance(conn, s, next).map(new Result(Outcome.DUPLICATE, s.id()));
        }
        return jobs.create(conn, job, maxAttempts)
          .compose(created -> conn.preparedQuery(SqlStatements.get("schedule_run_job"))
            .execute(Tuple.of(s.id(), period, created.id())).map(created))
          .compose(created -> advance(conn, s, next).map(v -> {
            LOG.info("schedule {} started export {} for {} (project {})", s.id(), created.id(), period,
              s.projectId());
            return new Result(Outcome.STARTED, s.id(), event(s).put("outcome", "started").put("period", period)
              .put("jobId", created.id().toString()));
          }));
      });
  }

  /** The run's export: the schedule's request, with the previous period as the metrics window when it asks. */
  JobStore.NewJob newJob(Schedule s, Instant due, List<String> to) {
    ExportRequest req = ExportRequest.ofBody(s.projectId(), s.ownerId(), null, s.request(), null);
    JsonObject filters = req.filters().copy();
    if ("previousPeriod".equals(s.window())) {
      LocalDate[] window = s.spec().previousPeriod(due);
      filters.put(FilterParam.METRICS_FROM.param(), window[0].toString())
        .put(FilterParam.METRICS_TO.param(), window[1].toString())
        .put(FilterParam.TIMEZONE.param(), s.spec().zone().getId());
    }
    return new JobStore.NewJob(s.projectId(), s.ownerId(), null, LinkFilter.fromJson(filters).toExportJson(),
      req.fileOptions(limits), null, s.id(), to);
  }

  private Future<Void> advance(SqlConnection conn, Schedule s, Instant next) {
    return conn.preparedQuery(SqlStatements.get("schedule_advance"))
      .execute(Tuple.of(s.id(), next.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  private Future<Result> pause(SqlConnection conn, Schedule s, String why) {
    LOG.warn("schedule {} (project {}) paused: {}", s.id(), s.projectId(), why);
    return conn.preparedQuery(SqlStatements.get("schedule_pause")).execute(Tuple.of(s.id(), why))
      .map(v -> new Result(Outcome.PAUSED, s.id(), event(s).put("outcome", "paused").put("reason", why)));
  }

  private static JsonObject event(Schedule s) {
    return new JsonObject().put("scheduleId", s.id().toString()).put("projectId", s.projectId().toString());
  }
}
