-- The job's webhook event, in its final transaction beside its email: one delivery per enabled endpoint of the
-- project subscribed to the event type ($3), all with the same event id ($4, the webhook-id header) and body ($5).
-- UNIQUE (endpoint_id, event_id) makes a second enqueue a no-op.
INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, job_id, body)
SELECT e.id, $4, $3, $1, $5
  FROM webhook_endpoints e
 WHERE e.project_id = $2 AND e.disabled_at IS NULL AND $3 = ANY (e.events)
ON CONFLICT (endpoint_id, event_id) DO NOTHING
