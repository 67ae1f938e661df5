package io.linkexport.db;

import io.linkexport.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The read replicas ({@code PG_READ_URL}) and which of them may be read now. List and count pages and export
 * snapshots read from a replica whose staleness is within {@code PG_READ_MAX_LAG_MS}; everything written (jobs,
 * leases, the outbox, hand-backs) stays on the primary, and so do membership checks (a removed member loses access at
 * once). Every {@code PG_READ_CHECK_MS} one query reads the primary's WAL position and one per replica its replay
 * position ({@link ReplicaLag}); a replica that does not answer is skipped until a check answers again. Staleness
 * grows between checks, so a replica counts as its measured lag plus the time since it was measured. None usable:
 * callers read the primary. One per node; its pools close with Vert.x.
 */
public final class ReadReplicas {

  private static final Logger LOG = LoggerFactory.getLogger(ReadReplicas.class);

  /** What a node reads from when no replica fits (and the name an export records then). */
  public static final String PRIMARY = "primary";

  /** One replica: its list pools, its pool for export snapshots, and its last measured lag. */
  public static final class Replica {
    private final String name;
    private final String where;
    private final Pool customPlans;
    private final Pool genericPlans;
    private final Pool snapshots;
    private final Pool checks;
    private volatile long lagMillis = ReplicaLag.UNKNOWN;
    private volatile long measuredAt;

    Replica(String name, String where, Pool customPlans, Pool genericPlans, Pool snapshots, Pool checks) {
      this.name = name;
      this.where = where;
      this.customPlans = customPlans;
      this.genericPlans = genericPlans;
      this.snapshots = snapshots;
      this.checks = checks;
    }

    /** {@code replica-1}, {@code replica-2}... in {@code PG_READ_URL}'s order: what an export records. */
    public String name() {
      return name;
    }

    public Pool customPlans() {
      return customPlans;
    }

    public Pool genericPlans() {
      return genericPlans;
    }

    public Pool snapshots() {
      return snapshots;
    }

    /** A connection to it failed: not read again until a check answers (the next attempt reads the primary). */
    public void unreachable() {
      lagMillis = ReplicaLag.UNKNOWN;
    }

    long staleness(long now) {
      long lag = lagMillis;
      return lag == ReplicaLag.UNKNOWN ? lag : lag + Math.max(0, now - measuredAt);
    }
  }

  private final List<Replica> replicas;
  private final Pool primaryChecks;
  private final ReplicaLag lag;
  private final long maxLagMillis;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean checking;

  private ReadReplicas(List<Replica> replicas, Pool primaryChecks, long maxLagMillis, long keepMillis) {
    this.replicas = replicas;
    this.primaryChecks = primaryChecks;
    this.maxLagMillis = maxLagMillis;
    this.lag = new ReplicaLag(keepMillis);
  }

  /** No replica configured: every read goes to the primary. */
  public static ReadReplicas none() {
    return new ReadReplicas(List.of(), null, 0, 0);
  }

  /** The configured replicas, checked every {@code PG_READ_CHECK_MS} from now on. */
  public static ReadReplicas start(Vertx vertx, AppConfig config) {
    List<String> urls = config.ops().pgReadUrls();
    if (urls.isEmpty()) {
      return none();
    }
    List<Replica> list = new ArrayList<>();
    int snapshots = Math.max(1, config.exportWorkers()) + 1;
    for (int i = 0; i < urls.size(); i++) {
      String url = urls.get(i);
      list.add(new Replica("replica-" + (i + 1), Db.describe(url), Db.listPool(vertx, config, true, url),
        Db.listPool(vertx, config, false, url), Db.pool(vertx, config, Db.Workload.WORKER, snapshots, url),
        Db.pool(vertx, config, Db.Workload.HTTP, 1, url)));
    }
    long check = config.ops().pgReadCheckMillis();
    long maxLag = config.ops().pgReadMaxLagMillis();
    ReadReplicas r = new ReadReplicas(list, Db.pool(vertx, config, Db.Workload.HTTP, 1), maxLag, maxLag + 10 * check);
    vertx.setPeriodic(0, check, id -> r.check());
    LOG.info("read replicas: {} (read while within {} ms of the primary)",
      list.stream().map(x -> x.name + " at " + x.where).toList(), maxLag);
    return r;
  }

  /** A replica to read from now (in turn when several fit), or null: read the primary. */
  public Replica current() {
    if (replicas.isEmpty()) {
      return null;
    }
    long now = System.currentTimeMillis();
    int start = Math.floorMod(next.getAndIncrement(), replicas.size());
    for (int i = 0; i < replicas.size(); i++) {
      Replica r = replicas.get((start + i) % replicas.size());
      if (r.staleness(now) <= maxLagMillis) {
        return r;
      }
    }
    return null;
  }

  /** The name of what {@link #current()} chose: an export records it. */
  public static String name(Replica replica) {
    return replica == null ? PRIMARY : replica.name();
  }

  /** One round: the primary's position first (so that it bounds what the replicas have replayed), then each's. */
  private void check() {
    if (checking) {
      return; // the previous round still waits for a slow server: its answers are the fresher ones
    }
    checking = true;
    long sent = System.currentTimeMillis();
    primaryChecks.query(SqlStatements.get("replica_primary_lsn")).execute()
      .onSuccess(rows -> lag.primaryAt(sent, rows.iterator().next().getLong(0)))
      .compose(v -> Future.join(replicas.stream().map(this::measure).toList()))
      .onComplete(ar -> checking = false);
  }

  private Future<Void> measure(Replica r) {
    return r.checks.query(SqlStatements.get("replica_replay_lsn")).execute().map(rows -> {
      Row row = rows.iterator().next();
      long now = System.currentTimeMillis();
      // not in recovery: a promoted replica, as fresh as a primary
      long measured = !row.getBoolean(0) ? 0 : row.getLong(1) == null ? ReplicaLag.UNKNOWN
        : lag.lagMillis(now, row.getLong(1));
      report(r, measured);
      r.lagMillis = measured;
      r.measuredAt = now;
      return (Void) null;
    }).onFailure(err -> {
      report(r, ReplicaLag.UNKNOWN);
      r.lagMillis = ReplicaLag.UNKNOWN;
    });
  }

  /** Logs a replica going out of use or back into it (not every measurement). */
  private void report(Replica r, long measured) {
    boolean was = r.lagMillis <= maxLagMillis;
    boolean is = measured <= maxLagMillis;
    if (was && !is) {
      LOG.warn("read replica {} at {} is not read: {}; the primary is read instead", r.name, r.where,
        measured == ReplicaLag.UNKNOWN ? "no answer or position" : "behind by " + measured + " ms");
    } else if (!was && is) {
      LOG.info("read replica {} at {} is read again (behind by {} ms)", r.name, r.where, measured);
    }
  }
}
