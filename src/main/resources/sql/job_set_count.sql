-- The snapshot's count of the current attempt, recorded as soon as it is known (the job shows it, and progress and
-- the ETA start from counted_at). Fenced like every write of an attempt.
UPDATE export_jobs
   SET row_count = $3, counted_at = now(), updated_at = now()
 WHERE id = $1 AND attempt = $2 AND status = 'processing'
RETURNING counted_at
