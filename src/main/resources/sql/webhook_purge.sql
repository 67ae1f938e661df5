-- Deliveries that ended (delivered or given up) more than $1 days ago: their bodies hold job data, kept no longer
-- than the job's files (EXPORT_RETENTION_DAYS). At most $2 rows per call.
DELETE FROM webhook_deliveries
 WHERE id IN (SELECT id FROM webhook_deliveries
               WHERE coalesce(delivered_at, given_up_at) < now() - make_interval(days => $1)
               LIMIT $2)
