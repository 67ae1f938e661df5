-- Finished exports past the retention ($1 seconds): their objects (object_key and every key of files, V9) are
-- deleted by the janitor, then they are marked expired.
SELECT id, project_id, object_key, files FROM export_jobs
 WHERE expired_at IS NULL AND finished_at < now() - make_interval(secs => $1)
 ORDER BY finished_at
 LIMIT $2
