-- Writes a schedule's fields as edited (the service merged and checked them); $11 null: not paused.
UPDATE export_schedules
   SET request = $3, cadence = $4, weekday = $5, day_of_month = $6, run_time = $7, timezone = $8, recipients = $9,
       time_window = $10, paused_at = CASE WHEN $11 THEN coalesce(paused_at, now()) END,
       paused_reason = CASE WHEN $11 THEN coalesce(paused_reason, 'paused by a member') END,
       next_run_at = $12, updated_at = now()
 WHERE id = $1 AND project_id = $2
RETURNING *
