UPDATE export_jobs SET expired_at = now(), updated_at = now() WHERE id = $1 AND expired_at IS NULL
