package io.linkexport.storage;

import io.linkexport.AppConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3SignerTest {

  private static final String AK = "AKIAIOSFODNN7EXAMPLE";
  private static final String SK = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC);
  /** From the AWS docs, "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)". */
  private static final String AWS_DOC_SIGNATURE = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

  private static AppConfig config(String endpoint, boolean pathStyle) {
    return AppConfig.from(new JsonObject()
      .put(AppConfig.S3_ENDPOINT, endpoint).put(AppConfig.S3_REGION, "us-east-1")
      .put(AppConfig.S3_BUCKET, "examplebucket").put(AppConfig.S3_PATH_STYLE, pathStyle)
      .put(AppConfig.S3_ACCESS_KEY_ID, AK).put(AppConfig.S3_SECRET_ACCESS_KEY, SK));
  }

  private static final S3Signer VHOST = new S3Signer(config("https://s3.amazonaws.com", false), CLOCK);
  private static final S3Signer PATH = new S3Signer(config("http://127.0.0.1:9000", true), CLOCK);

  @Test
  void presignedGetMatchesTheAwsDocumentedExample() {
    String url = VHOST.presign("GET", "test.txt", Map.of(), Duration.ofSeconds(86400)).url();

    assertThat(url).startsWith("https://examplebucket.s3.amazonaws.com/test.txt?")
      .contains("X-Amz-Algorithm=AWS4-HMAC-SHA256")
      .contains("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request")
      .contains("X-Amz-Date=20130524T000000Z").contains("X-Amz-Expires=86400")
      .contains("X-Amz-SignedHeaders=host")
      .endsWith("X-Amz-Signature=" + AWS_DOC_SIGNATURE);
  }

  @Test
  void theDocumentedSignatureIsWhatSigV4GivesWhenComputedByHand() throws Exception {
    // Independent of the SDK: the canonical request of the AWS example, hashed and signed per the SigV4 spec.
    String canonical = "GET\n/test.txt\n"
      + "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2F"
      + "aws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\n"
      + "host:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";
    String toSign = "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n" + sha256Hex(canonical);
    byte[] key = hmac(("AWS4" + SK).getBytes(StandardCharsets.UTF_8), "20130524");
    for (String part : new String[] {"us-east-1", "s3", "aws4_request"}) {
      key = hmac(key, part);
    }
    assertThat(HexFormat.of().formatHex(hmac(key, toSign))).isEqualTo(AWS_DOC_SIGNATURE);
  }

  @Test
  void headerSignatureOverAPrecomputedHashEqualsTheSdkSigningTheActualPayload() {
    byte[] body = "a,b,c\n1,2,3\n".getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = Map.of("Content-MD5", "abc==", "Content-Type", "text/csv");
    Map<String, String> query = Map.of("partNumber", "2", "uploadId", "u/1+2=");
    S3Signer.Signed ours = PATH.sign("PUT", "exports/p 1/ü+x.csv", query, headers, sha256Hex(body));

    SdkHttpRequest.Builder reference = SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(URI.create(ours.url()));
    headers.forEach(reference::putHeader);
    SdkHttpRequest sdk = AwsV4HttpSigner.create().sign(r -> r
      .identity(AwsCredentialsIdentity.create(AK, SK)).request(reference.build())
      .payload(ContentStreamProvider.fromByteArray(body))
      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3").putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
      .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false).putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
      .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
      .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK)).request();

    assertThat(ours.headers().get("Authorization")).isEqualTo(sdk.firstMatchingHeader("Authorization").orElseThrow());
    assertThat(ours.headers().get("Authorization"))
      .startsWith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
        + "SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=");
    assertThat(ours.headers()).containsEntry("x-amz-content-sha256", sha256Hex(body))
      .containsEntry("X-Amz-Date", "20130524T000000Z").doesNotContainKey("Host");
  }

  @Test
  void pathStyleUrlKeepsSlashesAndEncodesEverythingElseOnce() {
    S3Signer.Signed s = PATH.sign("GET", "exports/p 1/ü+x.csv", Map.of(), Map.of(), S3Signer.EMPTY_SHA256);
    assertThat(s.url()).isEqualTo("http://127.0.0.1:9000/examplebucket/exports/p%201/%C3%BC%2Bx.csv");
  }

  @Test
  void virtualHostUrlPutsTheBucketInTheHostName() {
    S3Signer.Signed s = VHOST.sign("POST", "exports/a b.csv", Map.of("uploads", ""), Map.of(), S3Signer.EMPTY_SHA256);
    assertThat(s.url()).startsWith("https://examplebucket.s3.amazonaws.com/exports/a%20b.csv?uploads");
    S3Signer.Signed bucket = VHOST.sign("GET", "", Map.of("uploads", ""), Map.of(), S3Signer.EMPTY_SHA256);
    assertThat(bucket.url()).startsWith("https://examplebucket.s3.amazonaws.com/?uploads");
  }

  /**
   * Verifies that a path prefix of S3_ENDPOINT (an S3 API served under a path) is kept in every URL, signed and
   * presigned, path-style and virtual-host style, and so in the canonical URI the signature covers.
   */
  @Test
  void anEndpointPathPrefixIsInEveryUrlAndInTheSignedPath() {
    S3Signer path = new S3Signer(config("http://127.0.0.1:9000/s3/", true), CLOCK);
    S3Signer vhost = new S3Signer(config("https://gw.example.com/storage/s3", false), CLOCK);
    S3Signer.Signed put = path.sign("PUT", "exports/a b.csv", Map.of("partNumber", "1"), Map.of(),
      S3Signer.EMPTY_SHA256);
    assertThat(put.url()).isEqualTo("http://127.0.0.1:9000/s3/examplebucket/exports/a%20b.csv?partNumber=1");
    assertThat(path.presignGet("exports/x.csv", "x.csv", Duration.ofMinutes(5)))
      .startsWith("http://127.0.0.1:9000/s3/examplebucket/exports/x.csv?");
    assertThat(vhost.sign("GET", "", Map.of("uploads", ""), Map.of(), S3Signer.EMPTY_SHA256).url())
      .startsWith("https://examplebucket.gw.example.com/storage/s3/?uploads");
    assertThat(vhost.presign("GET", "k.csv", Map.of(), Duration.ofMinutes(5)).url())
      .startsWith("https://examplebucket.gw.example.com/storage/s3/k.csv?");

    // The SDK signing the very URL we send gives the same Authorization: the prefix is in the canonical URI.
    SdkHttpRequest sdk = AwsV4HttpSigner.create().sign(r -> r
      .identity(AwsCredentialsIdentity.create(AK, SK))
      .request(SdkHttpRequest.builder().method(SdkHttpMethod.PUT).uri(URI.create(put.url())).build())
      .payload(ContentStreamProvider.fromByteArray(new byte[0]))
      .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3").putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
      .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false).putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
      .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, true)
      .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK)).request();
    assertThat(put.headers().get("Authorization")).isEqualTo(sdk.firstMatchingHeader("Authorization").orElseThrow());
    assertThat(put.headers().get("Authorization")).isNotEqualTo(PATH.sign("PUT", "exports/a b.csv",
      Map.of("partNumber", "1"), Map.of(), S3Signer.EMPTY_SHA256).headers().get("Authorization"));
  }

  /** Verifies that an endpoint with a query, a fragment or user information is refused at start, naming the key. */
  @Test
  void anEndpointWithAQueryAFragmentOrUserInformationIsRefused() {
    for (String bad : new String[] {"http://h:9000/s3?x=1", "http://h:9000/s3#f", "ftp://h/s3", "h:9000"}) {
      assertThatThrownBy(() -> new S3Signer(config(bad, true))).as(bad).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3_ENDPOINT");
    }
    assertThatThrownBy(() -> new S3Signer(config("http://user:secret@h:9000", true)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("S3_ENDPOINT")
      .hasMessageNotContaining("secret");
  }

  @Test
  void presignedGetAsksS3ForAttachmentAndCsvHeaders() {
    String url = PATH.presignGet("exports/x.csv", "links \"2024\".csv", Duration.ofMinutes(5));
    assertThat(url).startsWith("http://127.0.0.1:9000/examplebucket/exports/x.csv?")
      .contains("response-content-disposition=attachment%3B%20filename%3D%22links%20_2024_.csv%22")
      .contains("response-content-type=text%2Fcsv%3B%20charset%3Dutf-8")
      .contains("X-Amz-Expires=300");
  }

  @Test
  void presignRejectsExpiryOverSevenDaysOrUnderOneSecond() {
    assertThat(PATH.presignGet("k", "f.csv", Duration.ofSeconds(S3Signer.MAX_PRESIGN_SECONDS))).contains("X-Amz-Expires=604800");
    assertThatThrownBy(() -> PATH.presignGet("k", "f.csv", Duration.ofSeconds(S3Signer.MAX_PRESIGN_SECONDS + 1)))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("604800");
    assertThatThrownBy(() -> PATH.presignGet("k", "f.csv", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void filenamesLoseQuotesLineBreaksAndPathSeparators() {
    assertThat(S3Signer.sanitizeFilename("../../etc/pa\"ss\r\nwd.csv")).isEqualTo("etc_pa_ss__wd.csv");
    assertThat(S3Signer.sanitizeFilename("C:\\x\\links.csv")).isEqualTo("C:_x_links.csv");
    assertThat(S3Signer.sanitizeFilename("  ")).isEqualTo("export.csv");
    assertThat(S3Signer.sanitizeFilename("liens-été.csv")).isEqualTo("liens-_t_.csv");
  }

  @Test
  void signRefusesBadInput() {
    assertThatThrownBy(() -> PATH.sign("GET", "k", Map.of(), Map.of(), "nothex"))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PATH.sign("PATCH", "k", Map.of(), Map.of(), S3Signer.EMPTY_SHA256))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PATH.sign("GET", "k", Map.of(), Map.of("Authorization", "x"), S3Signer.EMPTY_SHA256))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PATH.sign("GET", "k", Map.of(), Map.of("X-Foo", "a\r\nb"), S3Signer.EMPTY_SHA256))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PATH.sign("GET", "/abs", Map.of(), Map.of(), S3Signer.EMPTY_SHA256))
      .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void missingCredentialsAreRefused() {
    AppConfig noSecret = config("http://127.0.0.1:9000", true).with(AppConfig.S3_SECRET_ACCESS_KEY, "");
    assertThatThrownBy(() -> new S3Signer(noSecret)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("S3_SECRET_ACCESS_KEY").hasMessageNotContaining(AK);
  }

  private static String sha256Hex(String s) {
    return sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
