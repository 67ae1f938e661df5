-- Cancels a job that has not finished. The worker holding it notices at its next heartbeat (fenced update fails)
-- and aborts the multipart upload.
UPDATE export_jobs
   SET status = 'failed', error = 'cancelled', error_code = 'CANCELLED', finished_at = now(), updated_at = now(),
       lease_owner = NULL, lease_until = NULL
 WHERE id = $1 AND project_id = $2 AND status IN ('pending', 'processing')
RETURNING *, (SELECT name FROM projects WHERE id = $2) AS project_name
