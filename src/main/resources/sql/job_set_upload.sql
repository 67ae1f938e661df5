-- Remembers this attempt's multipart upload, so that whoever rescues the job can abort it, and what the attempt's
-- snapshot is read from (primary or a read replica's name).
UPDATE export_jobs
   SET upload_id = $3, object_key = $4, read_source = $5, updated_at = now()
 WHERE id = $1 AND attempt = $2 AND status = 'processing'
RETURNING id
