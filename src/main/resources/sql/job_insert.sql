-- A new export job. run_after = now(): runnable at once.
INSERT INTO export_jobs (project_id, requested_by, requester_email, filters, max_attempts, idempotency_key)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING *, (SELECT name FROM projects WHERE id = $1) AS project_name
