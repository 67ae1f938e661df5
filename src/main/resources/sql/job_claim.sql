-- Claims the oldest runnable job: pending, or processing whose lease expired (its worker died) or that waits for a
-- retry. SKIP LOCKED lets many workers on many nodes claim concurrently without blocking each other; attempt + 1
-- is the fencing token every later write of this attempt must present. `rescued`: the job still had a lease owner,
-- so its worker never released it (a retry and a hand-back clear the owner): a dead or frozen worker's job (metrics).
-- The new attempt counts again: counted_at (the start of its progress and ETA) is cleared until it does.
UPDATE export_jobs j
   SET status = 'processing', attempt = j.attempt + 1, lease_owner = $1,
       lease_until = now() + make_interval(secs => $2), started_at = coalesce(j.started_at, now()),
       rows_written = 0, counted_at = NULL, updated_at = now()
  FROM (SELECT id, status = 'processing' AND lease_owner IS NOT NULL AS rescued FROM export_jobs
         WHERE status IN ('pending', 'processing') AND run_after <= now()
           AND (lease_until IS NULL OR lease_until < now())
         ORDER BY run_after, created_at
         LIMIT 1
           FOR UPDATE SKIP LOCKED) c
 WHERE j.id = c.id
RETURNING j.*, c.rescued, (SELECT name FROM projects WHERE id = j.project_id) AS project_name
