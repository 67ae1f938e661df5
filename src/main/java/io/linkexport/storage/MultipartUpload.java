package io.linkexport.storage;

import java.time.Instant;

/** An incomplete multipart upload as ListMultipartUploads reports it ({@code initiated} may be null if S3 omits it). */
public record MultipartUpload(String key, String uploadId, Instant initiated) {
}
