-- Serialises export starts of one project (row lock on the project) and reads what the limits need: the active
-- job, if any, and how many exports were started in the last hour (with the oldest one's time, for Retry-After).
SELECT (SELECT id FROM export_jobs WHERE project_id = p.id AND status IN ('pending', 'processing') LIMIT 1) AS active_id,
       (SELECT count(*) FROM export_jobs WHERE project_id = p.id AND created_at > now() - interval '1 hour') AS last_hour,
       (SELECT ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now()))::int FROM export_jobs
         WHERE project_id = p.id AND created_at > now() - interval '1 hour') AS retry_after
  FROM projects p WHERE p.id = $1
   FOR UPDATE
