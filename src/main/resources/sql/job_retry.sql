-- A transient failure: release the lease and run again after a backoff. The status stays 'processing' (the job is
-- still being worked on from the user's point of view); the error is kept for operators.
UPDATE export_jobs
   SET lease_owner = NULL, lease_until = NULL, run_after = now() + make_interval(secs => $3), error_code = $4,
       updated_at = now()
 WHERE id = $1 AND attempt = $2 AND status = 'processing'
RETURNING id
