-- A failed attempt ($4 the HTTP status or null, $5 what failed), fenced by the claim ($2): tried again in $3
-- seconds; the endpoint's failing run starts now unless it already had.
WITH d AS (
  UPDATE webhook_deliveries
     SET lease_until = NULL, last_status = $4, last_error = $5, first_failed_at = coalesce(first_failed_at, now()),
         next_attempt_at = now() + make_interval(secs => $3::float8)
   WHERE id = $1 AND attempts = $2 AND delivered_at IS NULL AND given_up_at IS NULL
  RETURNING endpoint_id)
UPDATE webhook_endpoints e SET failing_since = coalesce(e.failing_since, now()) FROM d WHERE e.id = d.endpoint_id
RETURNING e.id
