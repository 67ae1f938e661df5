-- A failed send: try again after the backoff, or never ($2 null: given up; next_attempt_at far away keeps the row).
UPDATE mail_outbox
   SET lease_until = NULL, last_error = $3,
       next_attempt_at = CASE WHEN $2::float8 IS NULL THEN 'infinity'::timestamptz
                              ELSE now() + make_interval(secs => $2::float8) END
 WHERE id = $1
