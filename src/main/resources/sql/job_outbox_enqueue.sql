-- The job's emails, one per recipient ($3: the requester, and a scheduled run's recipients): the unique (job_id,
-- recipient) makes a second enqueue (a retried or rescued job) a no-op.
INSERT INTO mail_outbox (job_id, kind, recipient, payload)
SELECT $1, $2, r, $4 FROM unnest($3::text[]) AS r
ON CONFLICT (job_id, recipient) DO NOTHING
