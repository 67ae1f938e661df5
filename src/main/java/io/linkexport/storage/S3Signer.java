package io.linkexport.storage;

import io.linkexport.AppConfig;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.internal.signer.CredentialScope;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4Properties;
import software.amazon.awssdk.http.auth.aws.internal.signer.V4RequestSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * SigV4 for S3, without any SDK HTTP client: builds the URL of an object (path-style or virtual-host style, under the
 * endpoint's path prefix when {@code S3_ENDPOINT} has one, e.g. {@code http://host:9000/s3}) and signs
 * requests either in headers ({@link #sign}) or as a presigned URL ({@link #presign}, {@link #presignGet}). Holds the
 * credentials; only the signing verticle creates one. Plain class: no Vert.x, unit-testable with a fixed clock.
 *
 * <p>Settings that matter for S3 (CONVENTIONS, "Known traps"): no double URL encoding and no path normalisation (S3
 * object keys are literal, {@code a//b} and {@code a/./b} are distinct keys), service name {@code s3}.
 */
public final class S3Signer {

  /** SigV4 presigned URLs live at most 7 days. */
  public static final long MAX_PRESIGN_SECONDS = 604_800;
  /** SHA-256 of the empty payload, for requests without a body. */
  /** The Content-Type of a download whose request names none (the files of exports before formats existed). */
  public static final String DEFAULT_CONTENT_TYPE = "text/csv; charset=utf-8";
  public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private static final String SERVICE = "s3";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "PUT", "POST", "DELETE");
  /** Headers the signer owns; a caller supplying them would either be overwritten or break the signature. */
  private static final Set<String> RESERVED_HEADERS =
    Set.of("host", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token");

  /** A request ready to send: exactly this URL with exactly these headers (Host is derived from the URL). */
  public record Signed(String url, Map<String, String> headers) {
  }

  private final URI endpoint;
  /** The endpoint's path prefix ({@code /s3} of {@code http://host:9000/s3/}), or "": every request path starts so. */
  private final String basePath;
  private final String region;
  private final String bucket;
  private final boolean pathStyle;
  private final AwsCredentialsIdentity credentials;
  private final Clock clock;
  private final AwsV4HttpSigner presigner = AwsV4HttpSigner.create();

  public S3Signer(AppConfig config) {
    this(config, Clock.systemUTC());
  }

  /** @throws IllegalArgumentException when credentials, bucket or endpoint are missing or malformed */
  public S3Signer(AppConfig config, Clock clock) {
    if (config.s3AccessKeyId().isBlank() || config.s3SecretAccessKey().isBlank()) {
      throw new IllegalArgumentException("S3 credentials missing: set " + AppConfig.S3_ACCESS_KEY_ID + " and "
        + AppConfig.S3_SECRET_ACCESS_KEY);
    }
    if (config.s3Bucket().isBlank()) {
      throw new IllegalArgumentException(AppConfig.S3_BUCKET + " is empty");
    }
    this.endpoint = parseEndpoint(config.s3Endpoint());
    this.basePath = endpoint.getRawPath() == null ? "" : endpoint.getRawPath().replaceAll("/+$", "");
    this.region = config.s3Region();
    this.bucket = config.s3Bucket();
    this.pathStyle = config.s3PathStyle();
    this.credentials = AwsCredentialsIdentity.create(config.s3AccessKeyId(), config.s3SecretAccessKey());
    this.clock = clock;
  }

  /**
   * Signs a request in the Authorization header over a payload whose SHA-256 the caller computed (the body itself
   * never travels to the signer). {@code key} "" addresses the bucket itself (e.g. {@code ?uploads} listing).
   *
   * <p>Why not {@code AwsV4HttpSigner.sign(...)} here: its checksummer always recomputes
   * {@code x-amz-content-sha256} from the payload it is given (or writes UNSIGNED-PAYLOAD), and the only hook for a
   * precomputed hash also adds an {@code x-amz-checksum-sha256} header, which S3 rejects on multipart uploads created
   * without a checksum algorithm and misreads on CompleteMultipartUpload. So we call the SDK's own V4 request signer
   * (the step {@code AwsV4HttpSigner} delegates to) with the hash already in the header. These classes are
   * SDK-internal: {@code S3SignerTest} checks the result is byte-identical to {@code AwsV4HttpSigner} signing the
   * actual payload, so an SDK upgrade that changes them fails the build instead of production.
   */
  public Signed sign(String method, String key, Map<String, String> query, Map<String, String> headers,
                     String payloadSha256Hex) {
    if (payloadSha256Hex == null || !SHA256_HEX.matcher(payloadSha256Hex).matches()) {
      throw new IllegalArgumentException("payloadSha256 must be 64 lowercase hex digits");
    }
    SdkHttpRequest.Builder request = request(method, key, query);
    headers.forEach((name, value) -> {
      if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header " + name + " is set by the signer");
      }
      requireHeaderValue(name, value);
      request.putHeader(name, value);
    });
    request.putHeader("x-amz-content-sha256", payloadSha256Hex);
    V4Properties properties = V4Properties.builder()
      .credentials(credentials)
      .credentialScope(new CredentialScope(region, SERVICE, clock.instant()))
      .signingClock(clock)
      .doubleUrlEncode(false)
      .normalizePath(false)
      .build();
    SdkHttpRequest signed = V4RequestSigner.header(properties).sign(request).getSignedRequest().build();
    return new Signed(signed.getUri().toString(), sendableHeaders(signed));
  }

  /** A presigned URL (query-string auth, unsigned payload) for {@code method} on {@code key}. */
  public Signed presign(String method, String key, Map<String, String> query, Duration expiry) {
    requireExpiry(expiry);
    SdkHttpRequest request = request(method, key, query).build();
    SdkHttpRequest signed = presigner.sign(r -> r
      .identity(credentials)
      .request(request)
      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, SERVICE)
      .putProperty(AwsV4HttpSigner.REGION_NAME, region)
      .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
      .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
      .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
      .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, expiry)
      // else the signature covers the empty payload and S3 answers SignatureDoesNotMatch
      .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
      .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
    return new Signed(signed.getUri().toString(), Map.of());
  }

  /**
   * A presigned GET whose response carries {@code Content-Disposition: attachment; filename="<filename>"} and
   * {@code Content-Type: <contentType>} (S3's response-* overrides), whatever the object was stored with.
   */
  public String presignGet(String key, String filename, Duration expiry) {
    return presignGet(key, filename, DEFAULT_CONTENT_TYPE, expiry);
  }

  /** As {@link #presignGet(String, String, Duration)}, served as {@code contentType}. */
  public String presignGet(String key, String filename, String contentType, Duration expiry) {
    Map<String, String> query = new TreeMap<>();
    query.put("response-content-disposition", "attachment; filename=\"" + sanitizeFilename(filename) + "\"");
    query.put("response-content-type", contentType(contentType));
    return presign("GET", key, query, expiry).url();
  }

  /** A Content-Type as a response may carry it: {@code type/subtype} and parameters, printable ASCII, no quotes. */
  static String contentType(String type) {
    if (type == null || type.isBlank()) {
      return DEFAULT_CONTENT_TYPE;
    }
    if (type.length() > 100 || !type.matches("[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+(; ?[A-Za-z0-9-]+=[A-Za-z0-9.-]+)*")) {
      throw new IllegalArgumentException("contentType must be a media type such as text/csv; charset=utf-8");
    }
    return type;
  }

  /**
   * A filename safe inside a quoted Content-Disposition parameter: printable ASCII only, no quotes, backslashes or
   * path separators (a browser must not be led to write outside its download folder), at most 120 characters.
   */
  public static String sanitizeFilename(String filename) {
    StringBuilder out = new StringBuilder();
    String in = filename == null ? "" : filename.strip();
    for (int i = 0; i < in.length() && out.length() < 120; i++) {
      char c = in.charAt(i);
      boolean bad = c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '/' || c == ';' || c == '%';
      out.append(bad ? '_' : c);
    }
    String name = out.toString().replaceAll("^[._]+", "");
    return name.isBlank() ? "export.csv" : name;
  }

  /** S3 key to URI path: every byte outside RFC 3986 "unreserved" is %XX-encoded; {@code /} stays a separator. */
  static String encodeKey(String key) {
    StringBuilder out = new StringBuilder();
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
          .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  static void requireExpiry(Duration expiry) {
    if (expiry == null || expiry.getSeconds() < 1 || expiry.compareTo(Duration.ofSeconds(MAX_PRESIGN_SECONDS)) > 0) {
      throw new IllegalArgumentException("presign expiry must be between 1 and " + MAX_PRESIGN_SECONDS
        + " seconds, got " + (expiry == null ? null : expiry.getSeconds()));
    }
  }

  private SdkHttpRequest.Builder request(String method, String key, Map<String, String> query) {
    if (method == null || !METHODS.contains(method)) {
      throw new IllegalArgumentException("unsupported method " + method);
    }
    requireKey(key);
    String objectPath = key.isEmpty() ? "" : "/" + encodeKey(key);
    // The prefix is part of the path S3 sees, so of the canonical URI the signature covers (an S3 API behind a
    // gateway path, s3proxy's service path).
    SdkHttpRequest.Builder b = SdkHttpRequest.builder()
      .method(SdkHttpMethod.valueOf(method))
      .protocol(endpoint.getScheme())
      .host(pathStyle ? endpoint.getHost() : bucket + "." + endpoint.getHost())
      .encodedPath(basePath + (pathStyle ? "/" + bucket + objectPath : (objectPath.isEmpty() ? "/" : objectPath)));
    if (endpoint.getPort() != -1) {
      b.port(endpoint.getPort());
    }
    // raw values: the SDK encodes them once, identically in the canonical request and in the URL it builds
    query.forEach((name, value) -> b.putRawQueryParameter(name, value == null ? "" : value));
    return b;
  }

  private static void requireKey(String key) {
    if (key == null) {
      throw new IllegalArgumentException("key is required");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
      throw new IllegalArgumentException("key longer than 1024 bytes");
    }
    if (key.startsWith("/") || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException("key must not start with '/' or contain control characters");
    }
  }

  private static void requireHeaderValue(String name, String value) {
    if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("header " + name + " has no value or contains CR/LF");
    }
  }

  private static Map<String, String> sendableHeaders(SdkHttpRequest signed) {
    Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> h : signed.headers().entrySet()) {
      // the HTTP client writes Host from the URL, which is what was signed
      if (!h.getKey().equalsIgnoreCase("host")) {
        out.put(h.getKey(), String.join(",", h.getValue()));
      }
    }
    return out;
  }

  private static URI parseEndpoint(String value) {
    URI uri;
    try {
      uri = URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(AppConfig.S3_ENDPOINT + " is not a URL: " + value);
    }
    if (uri.getRawUserInfo() != null) {
      // not echoed: it would be a credential
      throw new IllegalArgumentException(AppConfig.S3_ENDPOINT + " must not carry user information");
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
      || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(AppConfig.S3_ENDPOINT + " must be http(s)://host[:port][/path], got "
        + value);
    }
    return uri;
  }
}
