package io.linkexport.storage;

import java.util.List;

/**
 * One page of ListMultipartUploads: the uploads in (key, upload id) order, whether more follow, and the markers that
 * continue after them (null or empty when S3 sent none).
 */
public record UploadsPage(List<MultipartUpload> uploads, boolean truncated, String nextKeyMarker,
                          String nextUploadIdMarker) {
}
