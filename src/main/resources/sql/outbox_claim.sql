-- Claims at most $1 due emails with a lease of $2 seconds (MAIL_LEASE_SECONDS, more than twice the longest send):
-- SKIP LOCKED keeps two nodes from taking the same row; a sender that dies leaves its rows to be retried after the
-- lease. attempts + 1 is the fencing token: outbox_sent and outbox_failed apply only while it is still the row's.
UPDATE mail_outbox o
   SET lease_until = now() + make_interval(secs => $2), attempts = o.attempts + 1
  FROM (SELECT id FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY id
         LIMIT $1
           FOR UPDATE SKIP LOCKED) due
 WHERE o.id = due.id
RETURNING o.id, o.job_id, o.kind, o.recipient, o.payload, o.attempts
