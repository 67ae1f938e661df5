-- A delivery its endpoint accepted (a 2xx, $3), fenced by the claim ($2): delivered, and the endpoint's failing run
-- (if any) is over. No row when the claim no longer holds.
WITH d AS (
  UPDATE webhook_deliveries
     SET delivered_at = now(), lease_until = NULL, last_status = $3, last_error = NULL
   WHERE id = $1 AND attempts = $2 AND delivered_at IS NULL AND given_up_at IS NULL
  RETURNING endpoint_id)
UPDATE webhook_endpoints e SET failing_since = NULL FROM d WHERE e.id = d.endpoint_id
RETURNING e.id
