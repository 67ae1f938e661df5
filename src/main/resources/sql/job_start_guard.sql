-- What the limits need, read after job_start_lock (in a statement of its own, so that its snapshot sees the job a
-- previous holder of the lock committed): the active job, if any, and how many exports were started in the last hour
-- (with the oldest one's time, for Retry-After).
SELECT (SELECT id FROM export_jobs WHERE project_id = $1 AND status IN ('pending', 'processing') LIMIT 1) AS active_id,
       (SELECT count(*) FROM export_jobs WHERE project_id = $1 AND created_at > now() - interval '1 hour') AS last_hour,
       (SELECT ceil(extract(epoch FROM min(created_at) + interval '1 hour' - now()))::int FROM export_jobs
         WHERE project_id = $1 AND created_at > now() - interval '1 hour') AS retry_after
