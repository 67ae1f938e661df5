-- One email per job: the unique job_id makes a second enqueue (a retried or rescued job) a no-op.
INSERT INTO mail_outbox (job_id, kind, recipient, payload)
VALUES ($1, $2, $3, $4)
ON CONFLICT (job_id) DO NOTHING
