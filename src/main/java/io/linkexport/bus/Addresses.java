package io.linkexport.bus;

/**
 * Every event-bus address of link-export, with its request, reply and failures. This is a public API: other
 * verticles in the cluster use it (README, "Event-bus API"), through the typed clients beside each consumer
 * ({@code export.ExportClient}, {@code links.LinksClient}, {@code projects.ProjectsClient},
 * {@code storage.StorageClient}) or by sending the JSON documented here. Field names are {@link Fields}.
 *
 * <p>A failure is a {@link ServiceException} (a {@code ReplyException} of type RECIPIENT_FAILURE whose
 * {@code failureCode()} is the HTTP status and whose message is safe to show a user); with its codec registered
 * ({@link ServiceException#registerCodec}, which every typed client does) the {@link ErrorCode}, the field at fault
 * and the Retry-After survive a cluster hop. Every address can also fail {@code UNAVAILABLE} (503): the send timed
 * out, no consumer is deployed yet, or a dependency is down. Send with a timeout: {@link BusClient} does.
 *
 * <p>In a cluster the bus is TLS with client certificates (README, "Event-bus API", trust model): only nodes with a
 * certificate of the cluster's CA reach these addresses, and the service still authorises every request by its data.
 */
public final class Addresses {

  private Addresses() {
  }

  // ---- public API: cluster-wide consumers --------------------------------------------------------------------------

  /**
   * Starts an export. Request: {@code {"projectId", "userId", "email"?, "filters"?: {...}, "columns"?, "format"?,
   * "compression"?, "split"?, "maxRowsPerFile"?, "idempotencyKey"?}} where filters uses the list API's parameter names
   * and the file options are those of the HTTP body ({@code export.FileOptions}; a bad one fails {@code BAD_REQUEST}
   * naming it). Authorised like the HTTP endpoint: {@code userId} must be a
   * member of the project whose role uses exports; the email goes to the user's verified address on record, and
   * {@code email}, when given, must be that address. Reply: {@code {"jobId", "status": "pending"}}. Fails
   * {@code PLAN_REQUIRED} (free plan; checked before anything else), {@code NOT_FOUND} (no such project, or not a
   * member), {@code FORBIDDEN} (a viewer), {@code BAD_REQUEST} (field: the parameter at fault, {@code projectId},
   * {@code userId}, {@code email}, {@code filters} or {@code Idempotency-Key}), {@code EXPORT_IN_PROGRESS} (another
   * export of the project is pending or processing), {@code RATE_LIMITED} (with Retry-After),
   * {@code IDEMPOTENCY_KEY_REUSED} (the key came with other filters), {@code UNAVAILABLE} (not decided in time: then
   * no job was created).
   */
  public static final String EXPORT_START = "link-export.start";

  /**
   * Reads one job as a member sees it. Request: {@code {"projectId", "userId", "jobId"}}. Reply: the job as the HTTP
   * API shows it (status, rowCount, rowsWritten, error, createdAt, startedAt, finishedAt, filters; once completed a
   * freshly signed {@code downloadUrl} and its {@code downloadExpiresAt}: 7 days, or the end of retention if sooner).
   * Fails {@code NOT_FOUND} (no such job in that project, or the user is not a member), {@code FORBIDDEN} (a viewer),
   * {@code GONE} (past retention), {@code BAD_REQUEST} (a missing or malformed id).
   */
  public static final String EXPORT_STATUS = "link-export.status";

  /**
   * Published (not sent) on every job state change and progress beat: {@code {"jobId", "projectId", "status",
   * "attempt", "rowCount", "rowsWritten", "progress", "etaSeconds", "error"}} (the count as soon as it is known).
   * Informational: the job table is the truth; a consumer that missed an event asks {@link #EXPORT_STATUS}.
   */
  public static final String EXPORT_EVENTS = "link-export.events";

  /**
   * Published (not sent) on every webhook delivery attempt's outcome: {@code {"webhookId", "projectId", "eventId",
   * "type", "attempt", "outcome", "status", "error"}} where outcome is {@code delivered}, {@code retrying},
   * {@code failed} (given up after the retry schedule) or {@code disabled} (the endpoint was disabled with it) and
   * status the endpoint's HTTP status (null when none came). Informational, like {@link #EXPORT_EVENTS}.
   */
  public static final String WEBHOOK_EVENTS = "link-export.webhooks.events";

  /**
   * Published (not sent) when a schedule starts a run or pauses itself: {@code {"scheduleId", "projectId",
   * "outcome": "started" | "paused", "period"?, "jobId"?, "reason"?}}. The run's job then publishes on
   * {@link #EXPORT_EVENTS} like any export. Informational, like {@link #EXPORT_EVENTS}.
   */
  public static final String SCHEDULE_EVENTS = "link-export.schedules.events";

  // ---- internal addresses: local consumers, may change between versions --------------------------------------------

  /**
   * The projects a user is a member of. Request {@code {"userId"}}; reply
   * {@code {"projects": [{id, name, plan, role}]}}. Fails {@code BAD_REQUEST} (userId).
   */
  public static final String PROJECTS_OF_USER = "link-export.projects.of-user";

  /**
   * A project's tags, by name (the dashboard's tag picker). Request {@code {"projectId"}} (authorised by the
   * caller); reply {@code {"tags": [{id, name, color}]}}, at most 1,000. Fails {@code BAD_REQUEST} (projectId).
   */
  public static final String PROJECT_TAGS = "link-export.projects.tags";

  /**
   * A project's folders, by name (the dashboard's folder picker). Request {@code {"projectId"}} (authorised by the
   * caller); reply {@code {"folders": [{id, name}]}}, at most 1,000. Fails {@code BAD_REQUEST} (projectId).
   */
  public static final String PROJECT_FOLDERS = "link-export.projects.folders";

  /**
   * Lists a project's links. Request: a {@code links.LinksRequest} (the authorised project and the parsed filter);
   * reply: a {@code links.LinkPage} (the links as an encoded JSON array, and whether another page follows). Both are
   * handed over as objects and cannot leave the node.
   */
  public static final String LINKS_LIST = "link-export.links.list";

  /** Counts a project's links matching a filter. Request as {@link #LINKS_LIST}; reply {@code {"count": n}}. */
  public static final String LINKS_COUNT = "link-export.links.count";

  /**
   * Lists a project's recent exports. Request {@code {"projectId", "userId", "limit"?}} (1 to 50, default 20); reply
   * {@code {"jobs": [...]}}, newest first, without download URLs. Fails as {@link #EXPORT_STATUS}.
   */
  public static final String EXPORT_LIST = "link-export.export.list";

  /**
   * Cancels a pending or processing job on behalf of a user. Request {@code {"projectId", "userId", "jobId"}}; reply
   * the job. Fails {@code NOT_FOUND}, {@code FORBIDDEN} (a viewer, or another member's export and the user is neither
   * owner nor admin), {@code CONFLICT} (already finished).
   */
  public static final String EXPORT_CANCEL = "link-export.export.cancel";

  /**
   * The webhook endpoints of a project (README, "Webhooks"); authorised by the data like the export addresses. Every
   * request has {@code "projectId", "userId"}; {@code create} adds {@code "url", "events"?} and replies the endpoint
   * with its {@code secret} (the only time it is shown), {@code list} replies {@code {"webhooks": [...]}} each with its
   * {@code recentDeliveries}, {@code update} takes {@code "webhookId", "enabled"} (pause or resume), {@code delete}
   * and {@code test} take {@code "webhookId"}. Fail {@code PLAN_REQUIRED} (a free plan, except list),
   * {@code NOT_FOUND}, {@code FORBIDDEN} (viewers; other than owners and admins for changes), {@code BAD_REQUEST}
   * (field {@code url}: not https, or not resolving to public addresses unless WEBHOOK_ALLOW_PRIVATE_TARGETS;
   * {@code events}, {@code enabled}), {@code CONFLICT} (20 endpoints already; a test of a paused endpoint).
   */
  public static final String WEBHOOKS_CREATE = "link-export.webhooks.create";
  /** See {@link #WEBHOOKS_CREATE}. */
  public static final String WEBHOOKS_LIST = "link-export.webhooks.list";
  /** See {@link #WEBHOOKS_CREATE}. */
  public static final String WEBHOOKS_UPDATE = "link-export.webhooks.update";
  /** See {@link #WEBHOOKS_CREATE}. */
  public static final String WEBHOOKS_DELETE = "link-export.webhooks.delete";
  /** See {@link #WEBHOOKS_CREATE}. */
  public static final String WEBHOOKS_TEST = "link-export.webhooks.test";

  /**
   * The export schedules of a project (README, "Scheduled exports"), authorised by the data. Every request has
   * {@code "projectId", "userId"}; {@code create} adds {@code "schedule"} (the HTTP body: {@code filters, cadence,
   * weekday?, dayOfMonth?, time, timezone, recipients, window}) and replies the schedule with its {@code nextRunAt};
   * {@code list} replies {@code {"schedules": [...]}}; {@code get}, {@code update} (with {@code "schedule"}: the
   * fields to change and {@code enabled}) and {@code delete} take {@code "scheduleId"}. Fail {@code PLAN_REQUIRED},
   * {@code NOT_FOUND}, {@code FORBIDDEN}, {@code BAD_REQUEST} (naming the field), {@code CONFLICT} (10 schedules).
   */
  public static final String SCHEDULES_CREATE = "link-export.schedules.create";
  /** See {@link #SCHEDULES_CREATE}. */
  public static final String SCHEDULES_LIST = "link-export.schedules.list";
  /** See {@link #SCHEDULES_CREATE}. */
  public static final String SCHEDULES_GET = "link-export.schedules.get";
  /** See {@link #SCHEDULES_CREATE}. */
  public static final String SCHEDULES_UPDATE = "link-export.schedules.update";
  /** See {@link #SCHEDULES_CREATE}. */
  public static final String SCHEDULES_DELETE = "link-export.schedules.delete";

  /** Nudges idle export workers to poll the job table now (published; no reply). */
  public static final String EXPORT_WAKEUP = "link-export.export.wakeup";

  /**
   * Signs one S3 request (the signing verticle is the only holder of S3 credentials). Request:
   * {@code {"method", "key", "query": {name: value}, "headers": {name: value}, "payloadSha256": hex}}; reply
   * {@code {"url", "headers": {name: value}}}: send exactly that URL with those headers.
   * <ul>
   *   <li>{@code method}: GET, HEAD, PUT, POST or DELETE. {@code key}: the object key, unencoded ({@code /} separates
   *   "folders"); {@code ""} addresses the bucket itself (e.g. {@code ?uploads} listing).</li>
   *   <li>{@code query}: raw (unencoded) values, {@code ""} for flags like {@code uploads}; the URL carries them
   *   encoded exactly as signed.</li>
   *   <li>{@code headers}: extra headers to sign and send (Content-MD5, Content-Type, ...). Host, Authorization,
   *   X-Amz-Date and x-amz-content-sha256 belong to the signer and are refused.</li>
   *   <li>{@code payloadSha256}: lowercase hex SHA-256 of the exact body (of the empty string when there is none);
   *   the body itself never crosses the bus.</li>
   *   <li>Reply {@code headers} include Authorization, X-Amz-Date and x-amz-content-sha256 but not Host: the HTTP
   *   client derives it from the URL, which is what was signed. Signatures are time-bound: sign each attempt.</li>
   * </ul>
   * Fails {@code BAD_REQUEST} on a malformed request (the message says what), {@code INTERNAL} otherwise.
   */
  public static final String STORAGE_SIGN = "link-export.storage.sign";

  /**
   * Presigns a GET of an object. Request {@code {"key", "filename", "contentType"?, "expiresSeconds"}} (1..604800,
   * the SigV4 limit); reply {@code {"url", "expiresAt"}} (ISO-8601 instant). The response of that URL carries
   * {@code Content-Disposition: attachment; filename="<filename>"} (filename reduced to printable ASCII without
   * quotes, separators or CR/LF; default {@code export.csv}) and {@code Content-Type: <contentType>} (a media type;
   * default {@code text/csv; charset=utf-8}).
   * Fails {@code BAD_REQUEST} when key or expiresSeconds is missing or out of range. The URL is a bearer credential:
   * never log it.
   */
  public static final String STORAGE_PRESIGN = "link-export.storage.presign";

  /** Nudges the mail verticle to look at the outbox now (published; no reply). */
  public static final String MAIL_WAKEUP = "link-export.mail.wakeup";
}
