-- Writes a schedule's fields as edited (the service merged and checked them). $11: true pauses, false resumes, null
-- leaves it as it is; $12: the next due time when the timing changed or it resumed, else null (kept); $13: the new
-- owner when a member resumes it (runs act as them), else null.
UPDATE export_schedules
   SET request = $3, cadence = $4, weekday = $5, day_of_month = $6, run_time = $7, timezone = $8, recipients = $9,
       time_window = $10,
       paused_at = CASE WHEN $11::boolean IS NULL THEN paused_at WHEN $11::boolean THEN coalesce(paused_at, now()) END,
       paused_reason = CASE WHEN $11::boolean IS NULL THEN paused_reason
                            WHEN $11::boolean THEN coalesce(paused_reason, 'paused by a member') END,
       next_run_at = coalesce($12::timestamptz, next_run_at), owner_id = coalesce($13::uuid, owner_id),
       updated_at = now()
 WHERE id = $1 AND project_id = $2
RETURNING *
