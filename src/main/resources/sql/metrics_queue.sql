-- The gauges of the metrics (QueueSampler): jobs waiting for a worker (pending, waiting
-- for a retry, handed back, or whose worker's lease expired),
-- the age of the oldest of them, and emails not yet sent. Both counts read partial indexes of runnable rows
-- (export_jobs_runnable_idx, mail_outbox_due_idx), so the sample stays cheap however long the history is.
SELECT (SELECT count(*) FROM export_jobs
         WHERE status IN ('pending', 'processing') AND (lease_until IS NULL OR lease_until < now())) AS pending_jobs,
       (SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::bigint FROM export_jobs
         WHERE status IN ('pending', 'processing') AND (lease_until IS NULL OR lease_until < now())) AS oldest_pending_seconds,
       (SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL) AS unsent_emails
