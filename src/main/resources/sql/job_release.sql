-- Hands a job back (its node is shutting down: the attempt did not finish in the grace period, or a claim answered
-- after the shutdown began): the lease ends now, so any worker on any node claims it at once. The next claim
-- increments the attempt, fencing this one out; hand_backs + 1 keeps this claim from counting as a failed attempt
-- (the attempts a job has used are attempt - hand_backs; hand-backs have their own bound, EXPORT_MAX_HAND_BACKS).
UPDATE export_jobs
   SET lease_until = now(), lease_owner = NULL, hand_backs = hand_backs + 1, updated_at = now()
 WHERE id = $1 AND attempt = $2 AND status = 'processing' AND lease_owner = $3
