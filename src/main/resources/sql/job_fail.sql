-- Fenced final failure with a reason a user understands.
UPDATE export_jobs
   SET status = 'failed', error = $3, error_code = $4, finished_at = now(), updated_at = now(),
       lease_owner = NULL, lease_until = NULL
 WHERE id = $1 AND attempt = $2 AND status = 'processing'
RETURNING *, (SELECT name FROM projects WHERE id = export_jobs.project_id) AS project_name
