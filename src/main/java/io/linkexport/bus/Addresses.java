package io.linkexport.bus;

/**
 * Every event-bus address of link-export, with its request and reply. This is a public API: other verticles in the
 * cluster use it (README, "Event-bus API"). Failures come back as {@code ReplyException}s whose failure code is an
 * HTTP status ({@code 400} bad input, {@code 402} plan, {@code 403} forbidden, {@code 404} unknown or not visible,
 * {@code 409} conflict, {@code 429} rate limited, {@code 500} internal, {@code 503} dependency unavailable) and whose
 * message is safe to show to a user.
 */
public final class Addresses {

  private Addresses() {
  }

  // ---- public API -------------------------------------------------------------------------------------------------

  /**
   * Starts an export. Request: {@code {"projectId": uuid, "userId": uuid, "email": string, "filters": {...}}} where
   * filters uses the list API's parameter names. Reply: {@code {"jobId": uuid, "status": "pending"}}.
   * Fails 400 (bad filter, message names the field), 402 (free plan), 404 (no such project or not a member).
   */
  public static final String EXPORT_START = "link-export.start";

  /**
   * Reads one job. Request: {@code {"projectId": uuid, "jobId": uuid}}. Reply: the job as the HTTP API shows it
   * (status, rowCount, rowsWritten, error, downloadUrl for completed jobs, createdAt, startedAt, finishedAt,
   * filters). Fails 404 when the job does not exist in that project.
   */
  public static final String EXPORT_STATUS = "link-export.status";

  /**
   * Published (not sent) on every job state change: {@code {"jobId", "projectId", "status", "attempt", "rowCount",
   * "rowsWritten", "error"}}. Informational: the job table is the truth; a consumer that misses an event polls
   * {@link #EXPORT_STATUS}.
   */
  public static final String EXPORT_EVENTS = "link-export.events";

  // ---- internal addresses (may change between versions) -----------------------------------------------------------

  /** The projects a user is a member of. Request {@code {"userId"}}; reply {@code {"projects": [{id, name, plan, role}]}}. */
  public static final String PROJECTS_OF_USER = "link-export.projects.of-user";

  /**
   * Lists a project's links. Request: {@code {"projectId", "filters"}}; reply: a {@link io.linkexport.links.LinkPage}
   * (the links as an encoded JSON array, and whether another page follows). Local consumer only.
   */
  public static final String LINKS_LIST = "link-export.links.list";

  /** Counts a project's links matching filters. Request as {@link #LINKS_LIST}; reply {@code {"count": n}}. */
  public static final String LINKS_COUNT = "link-export.links.count";

  /** Lists a project's recent exports. Request {@code {"projectId", "limit"}}; reply {@code {"jobs": [...]}}. */
  public static final String EXPORT_LIST = "link-export.export.list";

  /** Cancels a pending or processing job. Request {@code {"projectId", "jobId"}}; reply the job. 404 / 409. */
  public static final String EXPORT_CANCEL = "link-export.export.cancel";

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
   * Fails 400 on a malformed request (message says what), 500 otherwise.
   */
  public static final String STORAGE_SIGN = "link-export.storage.sign";

  /**
   * Presigns a GET of an object. Request {@code {"key", "filename", "expiresSeconds"}} (1..604800, the SigV4 limit);
   * reply {@code {"url", "expiresAt"}} (ISO-8601 instant). The response of that URL carries
   * {@code Content-Disposition: attachment; filename="<filename>"} (filename reduced to printable ASCII without
   * quotes, separators or CR/LF; default {@code export.csv}) and {@code Content-Type: text/csv; charset=utf-8}.
   * Fails 400 when key or expiresSeconds is missing or out of range. The URL is a bearer credential: never log it.
   */
  public static final String STORAGE_PRESIGN = "link-export.storage.presign";

  /** Nudges the mail verticle to look at the outbox now (published; no reply). */
  public static final String MAIL_WAKEUP = "link-export.mail.wakeup";
}
