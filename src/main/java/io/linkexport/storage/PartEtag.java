package io.linkexport.storage;

import java.util.Objects;

/**
 * One uploaded part of a multipart upload, as CompleteMultipartUpload needs it: the part number (1..10000) and the
 * ETag S3 returned for it (quotes included, exactly as received).
 */
public record PartEtag(int partNumber, String etag) {

  public PartEtag {
    if (partNumber < 1 || partNumber > 10_000) {
      throw new IllegalArgumentException("partNumber must be 1..10000, got " + partNumber);
    }
    Objects.requireNonNull(etag, "etag");
  }
}
