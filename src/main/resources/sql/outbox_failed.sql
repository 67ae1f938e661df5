-- A failed send, fenced like outbox_sent by its claim ($2): try again after the backoff, or never ($3 null: given
-- up; next_attempt_at far away keeps the row).
UPDATE mail_outbox
   SET lease_until = NULL, last_error = $4,
       next_attempt_at = CASE WHEN $3::float8 IS NULL THEN 'infinity'::timestamptz
                              ELSE now() + make_interval(secs => $3::float8) END
 WHERE id = $1 AND attempts = $2 AND sent_at IS NULL
