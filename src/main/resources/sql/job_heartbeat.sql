-- Extends this attempt's lease and records progress. No row updated = the lease is lost or the job was cancelled.
UPDATE export_jobs
   SET lease_until = now() + make_interval(secs => $3), rows_written = $4, updated_at = now()
 WHERE id = $1 AND attempt = $2 AND status = 'processing' AND lease_owner = $5
RETURNING id
