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
    UploadsPage page = S3Xml.uploads(xml("<ListMultipartUploadsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
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

  /** Verifies that S3's documented ListObjectsV2 reply (API reference, "Listing keys") reads as its keys, in order. */
  @Test
  void aListObjectsV2ReplyReadsAsItsKeysInOrder() {
    S3Xml.ObjectsReply reply = S3Xml.objects(xml("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      + "<Name>bucket</Name><Prefix/><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
      + "<Contents><Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
      + "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>"
      + "<StorageClass>STANDARD</StorageClass></Contents>"
      + "<Contents><Key>my-third-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
      + "<ETag>&quot;1b2cf535f27731c974343645a3985328&quot;</ETag><Size>64994</Size>"
      + "<StorageClass>STANDARD_IA</StorageClass></Contents></ListBucketResult>"));
    assertThat(reply.keys()).containsExactly("my-image.jpg", "my-third-image.jpg");
    assertThat(reply.truncated()).isFalse();
    assertThat(reply.nextContinuationToken()).isNull();
  }

  /**
   * Verifies that a truncated ListObjectsV2 reply (API reference, "Listing keys using the max-keys, prefix, and
   * start-after parameters") carries the token that continues it, that an empty page reads empty, and that an entry
   * without a key is refused.
   */
  @Test
  void aTruncatedListObjectsV2ReplyCarriesItsContinuationToken() {
    S3Xml.ObjectsReply reply = S3Xml.objects(xml("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      + "<Name>quotes</Name><Prefix>E</Prefix><StartAfter>ExampleGuide.pdf</StartAfter>"
      + "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>"
      + "<KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><IsTruncated>true</IsTruncated>"
      + "<Contents><Key>ExampleObject.txt</Key><LastModified>2013-09-17T18:07:53.000Z</LastModified>"
      + "<ETag>&quot;599bab3ed2c697f1d26842727561fd94&quot;</ETag><Size>857</Size>"
      + "<StorageClass>REDUCED_REDUNDANCY</StorageClass></Contents></ListBucketResult>"));
    assertThat(reply.keys()).containsExactly("ExampleObject.txt");
    assertThat(reply.truncated()).isTrue();
    assertThat(reply.nextContinuationToken()).isEqualTo("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");

    S3Xml.ObjectsReply empty = S3Xml.objects(xml("<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount>"
      + "<IsTruncated>false</IsTruncated></ListBucketResult>"));
    assertThat(empty.keys()).isEmpty();
    assertThat(empty.truncated()).isFalse();
    assertThatThrownBy(() -> S3Xml.objects(xml("<ListBucketResult><Contents><Size>1</Size></Contents>"
      + "</ListBucketResult>"))).isInstanceOf(IllegalArgumentException.class);
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
