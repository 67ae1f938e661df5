package io.linkexport.export;

/**
 * What a completed attempt produced, and where its time went (milliseconds): counting, creating the upload,
 * streaming (of which reading batches and encoding them; the rest waited for part uploads).
 */
record AttemptResult(long rows, long bytes, long countMs, long createUploadMs, long streamMs, long readMs,
                     long encodeMs, long batches) {
}
