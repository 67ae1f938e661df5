-- One endpoint of a project (never its secret).
SELECT id, url, events, created_at, disabled_at, disabled_reason, failing_since
  FROM webhook_endpoints
 WHERE id = $1 AND project_id = $2
