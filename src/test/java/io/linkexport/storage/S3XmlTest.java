package io.linkexport.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3XmlTest {

  private static byte[] xml(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anErrorDocumentUnder200IsRecognisedAsAFailure() {
    // What S3 documents for CompleteMultipartUpload: 200 OK, then an error in the body.
    byte[] body = xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\n<Error><Code>InternalError</Code>"
      + "<Message>We encountered an internal error. Please try again.</Message><RequestId>656c76696e67</RequestId>"
      + "</Error>");
    assertThat(S3Xml.error(body)).hasValueSatisfying(e -> {
      assertThat(e.code()).isEqualTo("InternalError");
      assertThat(e.message()).startsWith("We encountered");
    });
    StorageException ex = StorageException.fromS3(200, "InternalError", "x");
    assertThat(ex.retryable()).isTrue();
    assertThat(StorageException.fromS3(200, "InvalidPart", "x").retryable()).isFalse();
  }

  @Test
  void aCompleteResultIsNotAnError() {
    byte[] body = xml("<CompleteMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      + "<Location>http://b/k</Location><Bucket>b</Bucket><Key>k</Key><ETag>\"3858f62230ac3c915f300c664312c11f-9\"</ETag>"
      + "</CompleteMultipartUploadResult>");
    assertThat(S3Xml.error(body)).isEmpty();
    assertThat(S3Xml.error(new byte[0])).isEmpty();
    assertThat(S3Xml.error(xml("not xml"))).isEmpty();
  }

  @Test
  void uploadIdIsReadWithOrWithoutTheS3Namespace() {
    String inner = "<Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE</UploadId>";
    assertThat(S3Xml.uploadId(xml("<InitiateMultipartUploadResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      + inner + "</InitiateMultipartUploadResult>"))).isEqualTo("VXBsb2FkIElE");
    assertThat(S3Xml.uploadId(xml("<InitiateMultipartUploadResult>" + inner + "</InitiateMultipartUploadResult>")))
      .isEqualTo("VXBsb2FkIElE");
    assertThatThrownBy(() -> S3Xml.uploadId(xml("<InitiateMultipartUploadResult/>")))
      .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void listPagesCarryUploadsAndTheNextMarkers() {
    S3Xml.UploadsPage page = S3Xml.uploads(xml("<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      + "<Bucket>b</Bucket><NextKeyMarker>a/2</NextKeyMarker><NextUploadIdMarker>u2</NextUploadIdMarker>"
      + "<IsTruncated>true</IsTruncated>"
      + "<Upload><Key>a/1</Key><UploadId>u1</UploadId><Initiated>2024-01-02T03:04:05.000Z</Initiated></Upload>"
      + "<Upload><Key>a/2</Key><UploadId>u2</UploadId></Upload></ListMultipartUploadsResult>"));
    assertThat(page.uploads()).containsExactly(
      new MultipartUpload("a/1", "u1", Instant.parse("2024-01-02T03:04:05Z")), new MultipartUpload("a/2", "u2", null));
    assertThat(page.truncated()).isTrue();
    assertThat(page.nextKeyMarker()).isEqualTo("a/2");
    assertThat(page.nextUploadIdMarker()).isEqualTo("u2");
  }

  @Test
  void completeBodyEscapesEtags() {
    assertThat(S3Xml.completeBody(List.of(new PartEtag(1, "\"a<b>&\""), new PartEtag(2, "\"c\""))))
      .isEqualTo("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        + "<Part><PartNumber>1</PartNumber><ETag>&quot;a&lt;b&gt;&amp;&quot;</ETag></Part>"
        + "<Part><PartNumber>2</PartNumber><ETag>&quot;c&quot;</ETag></Part></CompleteMultipartUpload>");
  }

  @Test
  void documentsWithADoctypeAreRefused() {
    byte[] xxe = xml("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
      + "<InitiateMultipartUploadResult><UploadId>&x;</UploadId></InitiateMultipartUploadResult>");
    assertThatThrownBy(() -> S3Xml.uploadId(xxe)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("DOCTYPE");
  }
}
