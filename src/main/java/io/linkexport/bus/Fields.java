package io.linkexport.bus;

/** The JSON field names of the event-bus API ({@link Addresses} documents which address uses which). */
public final class Fields {

  public static final String PROJECT_ID = "projectId";
  public static final String USER_ID = "userId";
  public static final String JOB_ID = "jobId";
  public static final String EMAIL = "email";
  public static final String FILTERS = "filters";
  public static final String IDEMPOTENCY_KEY = "idempotencyKey";
  public static final String LIMIT = "limit";
  public static final String STATUS = "status";
  public static final String JOBS = "jobs";
  public static final String PROJECTS = "projects";
  public static final String COUNT = "count";
  public static final String ATTEMPT = "attempt";
  public static final String ROW_COUNT = "rowCount";
  public static final String ROWS_WRITTEN = "rowsWritten";
  public static final String ERROR = "error";
  public static final String DOWNLOAD_URL = "downloadUrl";
  public static final String DOWNLOAD_EXPIRES_AT = "downloadExpiresAt";
  public static final String PROGRESS = "progress";
  public static final String ETA_SECONDS = "etaSeconds";
  public static final String FILES = "files";
  public static final String BYTES = "bytes";
  public static final String SHA256 = "sha256";
  public static final String TAGS = "tags";
  public static final String FOLDERS = "folders";

  // storage signing
  public static final String METHOD = "method";
  public static final String KEY = "key";
  public static final String QUERY = "query";
  public static final String HEADERS = "headers";
  public static final String PAYLOAD_SHA256 = "payloadSha256";
  public static final String URL = "url";
  public static final String FILENAME = "filename";
  public static final String CONTENT_TYPE = "contentType";
  public static final String EXPIRES_SECONDS = "expiresSeconds";
  public static final String EXPIRES_AT = "expiresAt";

  // a failure (ServiceException) on the wire and in the HTTP error body
  public static final String CODE = "code";
  public static final String MESSAGE = "message";
  public static final String FIELD = "field";
  public static final String RETRY_AFTER = "retryAfter";

  private Fields() {
  }
}
