-- Claims due emails with a lease: SKIP LOCKED keeps two nodes from taking the same row; a sender that dies leaves
-- its rows to be retried after the lease.
UPDATE mail_outbox o
   SET lease_until = now() + interval '60 seconds', attempts = o.attempts + 1
  FROM (SELECT id FROM mail_outbox
         WHERE sent_at IS NULL AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY id
         LIMIT $1
           FOR UPDATE SKIP LOCKED) due
 WHERE o.id = due.id
RETURNING o.id, o.job_id, o.kind, o.recipient, o.payload, o.attempts
