-- Claims at most $1 due deliveries of enabled endpoints with a lease of $2 seconds, as outbox_claim.sql claims emails
-- (SKIP LOCKED; attempts + 1 is the fencing token of webhook_delivered, _failed and _give_up), with what sending
-- needs: the endpoint's URL and secret.
UPDATE webhook_deliveries d
   SET lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
  FROM (SELECT w.id FROM webhook_deliveries w JOIN webhook_endpoints e ON e.id = w.endpoint_id
         WHERE w.delivered_at IS NULL AND w.given_up_at IS NULL AND w.next_attempt_at <= now()
           AND (w.lease_until IS NULL OR w.lease_until < now()) AND e.disabled_at IS NULL
         ORDER BY w.next_attempt_at, w.id
         LIMIT $1
           FOR UPDATE OF w SKIP LOCKED) due, webhook_endpoints e
 WHERE d.id = due.id AND e.id = d.endpoint_id
RETURNING d.id, d.endpoint_id, e.project_id, d.event_id, d.event_type, d.job_id, d.body, d.attempts, d.created_at,
          e.url, e.secret
