-- Fenced completion: only the attempt that holds the job may complete it, and only once. lease_owner is kept: it
-- records which worker (host:pid/id) completed the job. object_key (the download) and files (every file of the
-- attempt, the manifest of a split job among them) are what the janitor keeps (V9).
UPDATE export_jobs
   SET status = 'completed', row_count = $3, rows_written = $3, bytes = $4, sha256 = $5, files = $6, object_key = $7,
       upload_id = NULL, error = NULL, error_code = NULL, finished_at = now(), updated_at = now(), lease_until = NULL
 WHERE id = $1 AND attempt = $2 AND status = 'processing'
RETURNING *, (SELECT name FROM projects WHERE id = export_jobs.project_id) AS project_name
