package io.linkexport.export;

import java.util.List;

/**
 * What a completed attempt produced: the snapshot's count, the download (the one file, or a split export's
 * manifest: its size, SHA-256 and key), every file in order, and where its time went (milliseconds): counting,
 * creating the uploads, streaming (of which reading batches, encoding them and yielding to list pages; the rest waited
 * for part uploads).
 */
record AttemptResult(long rows, long bytes, String sha256, String objectKey, List<FileResult> files, long countMs,
                     long createUploadMs, long streamMs, long readMs, long encodeMs, long pausedMs, long batches) {
}
