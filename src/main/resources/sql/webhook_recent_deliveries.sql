-- The last $2 deliveries of each endpoint of a project ($1), newest first.
SELECT d.endpoint_id, d.event_id, d.event_type, d.job_id, d.attempts, d.next_attempt_at, d.delivered_at,
       d.given_up_at, d.last_status, d.last_error, d.created_at
  FROM webhook_endpoints e
 CROSS JOIN LATERAL (SELECT * FROM webhook_deliveries w
                      WHERE w.endpoint_id = e.id
                      ORDER BY w.id DESC
                      LIMIT $2) d
 WHERE e.project_id = $1
 ORDER BY d.endpoint_id, d.id DESC
