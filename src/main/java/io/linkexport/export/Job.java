package io.linkexport.export;

import io.linkexport.bus.ServiceException;
import io.linkexport.links.FilterParam;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One row of {@code export_jobs}, as the worker and the API see it. {@code attempt} is the fencing token every claim
 * increments; {@code handBacks} counts the claims that ended in a hand-back (a node shutting down), which are not
 * failed attempts: see {@link #attemptsUsed()}. {@code options} is the file the request asked for (V9); once
 * completed, {@code files} lists what the completing attempt wrote, and {@code sha256} and {@code bytes} describe the
 * download ({@code objectKey}: the file, or a split job's manifest). A scheduled run names its schedule and the
 * recipients its email goes to besides {@code email}. The API's JSON is {@link JobJson}.
 */
public record Job(
  UUID id,
  UUID projectId,
  String projectName,
  UUID requestedBy,
  String email,
  JsonObject filters,
  FileOptions options,
  int schemaVersion,
  String status,
  int attempt,
  int maxAttempts,
  int handBacks,
  String uploadId,
  String objectKey,
  Long rowCount,
  long rowsWritten,
  Long bytes,
  String sha256,
  JsonArray files,
  String error,
  String errorCode,
  OffsetDateTime createdAt,
  OffsetDateTime startedAt,
  OffsetDateTime countedAt,
  OffsetDateTime finishedAt,
  OffsetDateTime expiredAt,
  UUID scheduleId,
  List<String> recipients) {

  public static Job from(Row r) {
    Object filters = r.getValue("filters");
    Object files = r.getValue("files");
    FileOptions options;
    try {
      options = options(r);
    } catch (ServiceException unknown) {
      // a column, format, compression or split this version does not know (another version queued the job): shown
      // as the default file; a worker's claim refuses to run it (JobStore.Claim)
      options = FileOptions.DEFAULT;
    }
    return new Job(
      r.getUUID("id"), r.getUUID("project_id"), r.getString("project_name"), r.getUUID("requested_by"),
      r.getString("requester_email"), filters instanceof JsonObject j ? j : new JsonObject(), options,
      r.getInteger("schema_version"), r.getString("status"), r.getInteger("attempt"), r.getInteger("max_attempts"),
      r.getInteger("hand_backs"), r.getString("upload_id"), r.getString("object_key"), r.getLong("row_count"),
      r.getLong("rows_written"), r.getLong("bytes"), r.getString("sha256"),
      files instanceof JsonArray a ? a : null, r.getString("error"), r.getString("error_code"),
      r.getOffsetDateTime("created_at"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("counted_at"),
      r.getOffsetDateTime("finished_at"), r.getOffsetDateTime("expired_at"), r.getUUID("schedule_id"),
      r.getArrayOfStrings("recipients") == null ? List.of() : List.of(r.getArrayOfStrings("recipients")));
  }

  /**
   * The row's file options as stored: a 400 naming the option this version does not know, a column included (a newer
   * version queued the job: writing the file without that column would hand its user another file than asked for).
   */
  static FileOptions options(Row r) {
    return new FileOptions(ColumnSet.stored(r.getArrayOfStrings("columns")),
      FileFormat.parse(r.getString("format")), Compression.parse(r.getString("compression")),
      Split.parse(r.getString("split")), r.getLong("max_rows_per_file"));
  }

  /** The attempts this job has used, the current one included: every claim except those handed back. */
  public int attemptsUsed() {
    return attempt - handBacks;
  }

  /**
   * Where one attempt of this job writes its CSV ({@link #objectKey(UUID, UUID, int, String)} with {@code .csv}).
   */
  public static String objectKey(UUID projectId, UUID jobId, int attempt) {
    return objectKey(projectId, jobId, attempt, ".csv");
  }

  /**
   * Where one attempt writes a one-file export ({@code exports/<project>/<job>.<attempt><extension>}). Per attempt,
   * so an attempt that lost its lease (a paused or partitioned worker) can never overwrite or delete the object of
   * the attempt that took over: only the fenced completion decides which objects the job points at.
   */
  public static String objectKey(UUID projectId, UUID jobId, int attempt, String extension) {
    return "exports/" + projectId + "/" + jobId + "." + attempt + extension;
  }

  /**
   * Where one attempt writes the files of a split export: under {@code exports/<project>/<job>.<attempt>/}, file
   * {@code n} (from 1) as {@code part-<nnn><extension>}, or the manifest ({@code n} = 0) as {@code manifest.json}.
   */
  public static String splitKey(UUID projectId, UUID jobId, int attempt, int n, String extension) {
    String dir = "exports/" + projectId + "/" + jobId + "." + attempt + "/";
    return n == 0 ? dir + "manifest.json" : dir + "part-" + String.format(Locale.ROOT, "%03d", n) + extension;
  }

  /**
   * {@code links-<project>-<yyyy-mm-dd>}: the project's name as a slug (its id when the name has no letters) and the
   * day the export was asked for, in the export's {@code timezone}, or the metrics window's days ({@link Period});
   * the files' names add a part number and the extension.
   */
  public String baseName() {
    String slug = projectName == null ? "" : projectName.toLowerCase(Locale.ROOT)
      .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    if (slug.length() > 40) {
      slug = slug.substring(0, 40).replaceAll("-+$", "");
    }
    if (slug.isEmpty()) {
      slug = projectId.toString();
    }
    String period = Period.fileSuffix(filters);
    if (period != null) {
      return "links-" + slug + "-" + period;
    }
    LocalDate day = (createdAt == null ? OffsetDateTime.now(ZoneOffset.UTC) : createdAt)
      .atZoneSameInstant(zoneOrUtc()).toLocalDate();
    return "links-" + slug + "-" + day;
  }

  /** The stored {@code timezone} ({@link #zoneOrUtc(Object)}): a file's name never keeps a job from being read. */
  private ZoneId zoneOrUtc() {
    return zoneOrUtc(filters == null ? null : filters.getValue(FilterParam.TIMEZONE.param()));
  }

  /**
   * A stored zone's name as a zone, or UTC when there is none or this JDK's zone data does not know it (stored by a
   * node with newer data): rows of jobs and schedules are read whatever their zone.
   */
  static ZoneId zoneOrUtc(Object name) {
    try {
      return name == null ? ZoneOffset.UTC : ZoneId.of(name.toString());
    } catch (java.time.DateTimeException unknown) {
      return ZoneOffset.UTC;
    }
  }

  /** The name the download is saved as: the one file ({@code links-<project>-<day>.csv}), or the manifest. */
  public String filename() {
    if (files != null && !files.isEmpty()) {
      return files.getJsonObject(files.size() - 1).getString("name");
    }
    return baseName() + options.extension();
  }

  /** The Content-Type the download is served with. */
  public String contentType() {
    return files != null && files.size() > 1 ? ExportManifest.CONTENT_TYPE : options.contentType();
  }

  /** The API view (without download URLs, which are minted per read). */
  public JsonObject toJson() {
    return JobJson.of(this);
  }

  /** What {@code link-export.events} publishes on a state change. */
  public JsonObject event() {
    return JobJson.event(this);
  }
}
