package io.linkexport.export;

import io.linkexport.db.SqlStatements;
import io.linkexport.storage.MultipartUpload;
import io.linkexport.storage.S3Storage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The janitor's sweep of what no job references under {@code exports/}: objects (a zombie whose delete failed, a
 * worker killed between completing its upload and recording it) and incomplete multipart uploads (a worker killed
 * between creating an upload and recording it). Without it such files outlive the retention forever.
 *
 * <p>Bounded, because it runs inside the janitor's transaction: a round lists one page of at most {@code pageSize}
 * keys and one of uploads, checks each page against the job table with one statement, and deletes one at a time,
 * stopping at the first failure (S3 is in trouble; the next round goes on). The next round lists after the last
 * key this one handled; a round that reaches the end starts the next one from the first key. Where to continue is
 * kept in memory: a restarted node starts from the first key again, which costs one page.
 *
 * <p>Uploads younger than {@code uploadMinAge} are left alone: an attempt creates its upload before it records it on
 * the job, so a young unrecorded upload may be in use. One whose age S3 does not say is left alone too.
 */
final class OrphanSweep {

  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

  /** Every export object lives under this prefix ({@link Job#objectKey}). */
  static final String PREFIX = "exports/";

  /** What one round did: keys and uploads listed, objects deleted, uploads aborted. */
  record Result(int objectsListed, int objectsDeleted, int uploadsListed, int uploadsAborted) {
    static final Result NONE = new Result(0, 0, 0, 0);
  }

  /** One page of a kind: how many were listed and how many removed. */
  private record Count(int listed, int removed) {
  }

  /** How far a page got: how many were removed, and the item whose removal failed (null: none failed). */
  private record Removal<T>(int removed, T failedAt) {
  }

  private final S3Storage storage;
  private final int pageSize;
  private final Duration uploadMinAge;
  private final Clock clock;
  private volatile String objectsAfter;
  private volatile MultipartUpload uploadsAfter;

  OrphanSweep(S3Storage storage, int pageSize, Duration uploadMinAge, Clock clock) {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be at least 1");
    }
    this.storage = storage;
    this.pageSize = pageSize;
    this.uploadMinAge = uploadMinAge;
    this.clock = clock;
  }

  /** One round on {@code conn} (the janitor's transaction). */
  Future<Result> run(SqlConnection conn) {
    return sweepObjects(conn).compose(objects -> sweepUploads(conn).map(uploads ->
      new Result(objects.listed(), objects.removed(), uploads.listed(), uploads.removed())));
  }

  private Future<Count> sweepObjects(SqlConnection conn) {
    return storage.listObjects(PREFIX, objectsAfter, pageSize).compose(page ->
      referenced(conn, "job_referenced_objects", page.keys()).compose(kept -> {
        // a job that is not finished keeps every object under its id: its attempt may be writing a split's files
        List<String> orphans = page.keys().stream().filter(k -> !kept.contains(k) && !kept.contains(active(k)))
          .toList();
        return removeInOrder(orphans, storage::deleteObject, Function.identity()).map(r -> {
          objectsAfter = r.failedAt() != null ? r.failedAt() : page.truncated() ? page.lastKey() : null;
          if (r.removed() > 0) {
            LOG.info("retention: deleted {} objects no export references", r.removed());
          }
          return new Count(page.keys().size(), r.removed());
        });
      }));
  }

  private Future<Count> sweepUploads(SqlConnection conn) {
    MultipartUpload after = uploadsAfter;
    return storage.listMultipartUploads(PREFIX, after == null ? null : after.key(),
      after == null ? null : after.uploadId(), pageSize).compose(page -> {
        Instant cutoff = clock.instant().minus(uploadMinAge);
        List<MultipartUpload> old = page.uploads().stream()
          .filter(u -> u.initiated() != null && !u.initiated().isAfter(cutoff)).toList();
        return referenced(conn, "job_referenced_uploads", old.stream().map(MultipartUpload::key).toList())
          .compose(kept -> {
            List<MultipartUpload> orphans = old.stream().filter(u -> !kept.contains(u.uploadId())).toList();
            return removeInOrder(orphans, u -> storage.abortMultipartUpload(u.key(), u.uploadId()),
              MultipartUpload::key);
          })
          .map(r -> {
            List<MultipartUpload> listed = page.uploads();
            uploadsAfter = r.failedAt() != null ? r.failedAt()
              : page.truncated() && !listed.isEmpty() ? listed.get(listed.size() - 1) : null;
            if (r.removed() > 0) {
              LOG.info("retention: aborted {} multipart uploads no export records", r.removed());
            }
            return new Count(listed.size(), r.removed());
          });
      });
  }

  /**
   * What the job table still references among {@code keys}: the values of the statement's one column for the jobs
   * whose ids the keys carry. One statement for the whole page.
   */
  private static Future<Set<String>> referenced(SqlConnection conn, String statement, List<String> keys) {
    UUID[] ids = keys.stream().map(OrphanSweep::jobId).filter(Objects::nonNull).distinct().toArray(UUID[]::new);
    if (ids.length == 0) {
      return Future.succeededFuture(Set.of());
    }
    return conn.preparedQuery(SqlStatements.get(statement)).execute(Tuple.tuple().addArrayOfUUID(ids)).map(rows -> {
      Set<String> out = new HashSet<>();
      for (Row r : rows) {
        out.add(r.getString(0));
      }
      return out;
    });
  }

  /** Removes one item after the other; stops at the first failure, which is logged. */
  private static <T> Future<Removal<T>> removeInOrder(List<T> items, Function<T, Future<Void>> remove,
                                                     Function<T, String> name) {
    Future<Removal<T>> chain = Future.succeededFuture(new Removal<>(0, null));
    for (T item : items) {
      chain = chain.compose(r -> r.failedAt() != null ? Future.succeededFuture(r)
        : remove.apply(item).transform(ar -> {
          if (ar.succeeded()) {
            return Future.succeededFuture(new Removal<>(r.removed() + 1, null));
          }
          LOG.warn("retention: could not remove {} (the sweep goes on next round): {}", name.apply(item),
            ar.cause().getMessage());
          return Future.succeededFuture(new Removal<>(r.removed(), item));
        }));
    }
    return chain;
  }

  /** The marker {@code job_referenced_objects.sql} answers for a job that is not finished: {@code active:<id>}. */
  private static String active(String key) {
    UUID id = jobId(key);
    return id == null ? null : "active:" + id;
  }

  /**
   * The job id a key of {@link Job#objectKey}'s shape ({@code exports/<project>/<job>.<attempt>.<ext>}) or of
   * {@link Job#splitKey}'s ({@code exports/<project>/<job>.<attempt>/<file>}) carries, or null for any other key (no
   * job references it).
   */
  static UUID jobId(String key) {
    if (!key.startsWith(PREFIX)) {
      return null;
    }
    int slash = key.indexOf('/', PREFIX.length());
    int dot = slash < 0 ? -1 : key.indexOf('.', slash + 1);
    if (dot < 0) {
      return null;
    }
    try {
      return UUID.fromString(key.substring(slash + 1, dot));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
