-- Pauses ($3 false) or resumes ($3 true) an endpoint. Resuming clears a disable and the failing run; deliveries not
-- given up are sent again from then on (claims skip a disabled endpoint's rows).
UPDATE webhook_endpoints
   SET disabled_at = CASE WHEN $3 THEN NULL ELSE coalesce(disabled_at, now()) END,
       disabled_reason = CASE WHEN $3 THEN NULL ELSE coalesce(disabled_reason, 'paused by a member') END,
       failing_since = CASE WHEN $3 THEN NULL ELSE failing_since END
 WHERE id = $1 AND project_id = $2
RETURNING id, url, events, created_at, disabled_at, disabled_reason, failing_since
