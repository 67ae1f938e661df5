-- Hands a job back (its node is shutting down and the attempt did not finish in the grace period): the lease ends
-- now, so any worker on any node claims it at once. The next claim increments the attempt, fencing this one out.
UPDATE export_jobs
   SET lease_until = now(), lease_owner = NULL, updated_at = now()
 WHERE id = $1 AND attempt = $2 AND status = 'processing' AND lease_owner = $3
