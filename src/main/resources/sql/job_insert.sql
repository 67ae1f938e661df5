-- A new export job. run_after = now(): runnable at once. The file options ($7..$12) are stored resolved (V9); a
-- scheduled run names its schedule ($13) and its email's recipients ($14, V16).
INSERT INTO export_jobs (project_id, requested_by, requester_email, filters, max_attempts, idempotency_key, columns,
                         format, compression, split, max_rows_per_file, schema_version, schedule_id, recipients)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING *, (SELECT name FROM projects WHERE id = $1) AS project_name
