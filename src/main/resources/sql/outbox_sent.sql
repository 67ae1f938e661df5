UPDATE mail_outbox SET sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1
