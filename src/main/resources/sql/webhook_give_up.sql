-- The last attempt of a delivery failed ($3 status, $4 error), fenced by the claim ($2): the delivery is given up.
-- When its endpoint has accepted nothing since this delivery's first attempt failed (its failing run started then or
-- before: a day of failures), the endpoint is disabled, its other pending deliveries (not one being sent) are given
-- up with it and the project's owners with a known address get one email each (dedupe_key: once per owner and
-- disable).
WITH d AS (
  UPDATE webhook_deliveries
     SET lease_until = NULL, given_up_at = now(), last_status = $3, last_error = $4
   WHERE id = $1 AND attempts = $2 AND delivered_at IS NULL AND given_up_at IS NULL
  RETURNING endpoint_id, first_failed_at),
e AS (
  UPDATE webhook_endpoints e
     SET disabled_at = now(), disabled_reason = 'every delivery failed for a day; last: ' || left($4, 300)
    FROM d
   WHERE e.id = d.endpoint_id AND e.disabled_at IS NULL
     AND e.failing_since IS NOT NULL AND d.first_failed_at IS NOT NULL AND e.failing_since <= d.first_failed_at
  RETURNING e.id, e.project_id, e.url, e.disabled_at, e.disabled_reason),
others AS (
  UPDATE webhook_deliveries o
     SET given_up_at = now(), last_error = 'the endpoint was disabled'
    FROM e
   WHERE o.endpoint_id = e.id AND o.id <> $1 AND o.delivered_at IS NULL AND o.given_up_at IS NULL
     AND (o.lease_until IS NULL OR o.lease_until < now())
  RETURNING o.id),
mails AS (
  INSERT INTO mail_outbox (kind, recipient, payload, dedupe_key)
  SELECT 'webhook_disabled', u.email,
         jsonb_build_object('projectId', e.project_id, 'projectName', p.name, 'webhookId', e.id, 'url', e.url,
                            'reason', e.disabled_reason),
         'webhook_disabled:' || e.id || ':' || floor(extract(epoch FROM e.disabled_at)) || ':' || m.user_id
    FROM e
    JOIN projects p ON p.id = e.project_id
    JOIN project_members m ON m.project_id = e.project_id AND m.role = 'owner'
    JOIN app_users u ON u.id = m.user_id
   WHERE u.email IS NOT NULL AND u.email <> ''
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id)
SELECT (SELECT count(*) FROM d) AS given_up, (SELECT count(*) FROM e) AS disabled,
       (SELECT count(*) FROM others) AS others, (SELECT count(*) FROM mails) AS mails
