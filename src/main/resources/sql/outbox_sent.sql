-- An email the SMTP server accepted, fenced by its claim ($2 = the attempts the claim set): a sender whose lease ran
-- out and whose row another sender claimed since changes nothing, and a sent row is never marked again.
UPDATE mail_outbox SET sent_at = now(), lease_until = NULL, last_error = NULL
 WHERE id = $1 AND attempts = $2 AND sent_at IS NULL
