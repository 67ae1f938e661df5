-- A project's endpoints, oldest first (never their secrets).
SELECT id, url, events, created_at, disabled_at, disabled_reason, failing_since
  FROM webhook_endpoints
 WHERE project_id = $1
 ORDER BY created_at, id
