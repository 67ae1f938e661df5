-- A test event for one enabled endpoint ($1 of project $2), sent whatever the endpoint subscribes to.
INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, body)
SELECT id, $3, 'webhook.test', $4
  FROM webhook_endpoints
 WHERE id = $1 AND project_id = $2 AND disabled_at IS NULL
RETURNING id
