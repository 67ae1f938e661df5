-- A new endpoint ($1 project, $2 url, $3 events, $4 secret, $5 the member creating it); no row when the project has
-- $6 endpoints already (the limit: exact, after project_limit_lock.sql in the same transaction).
INSERT INTO webhook_endpoints (project_id, url, events, secret, created_by)
SELECT $1, $2, $3, $4, $5
 WHERE (SELECT count(*) FROM webhook_endpoints WHERE project_id = $1) < $6
RETURNING id, url, events, created_at, disabled_at, disabled_reason, failing_since
