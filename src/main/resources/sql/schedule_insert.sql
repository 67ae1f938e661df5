-- A new schedule; no row when the project has $12 already (exact, after project_limit_lock.sql in the same
-- transaction).
INSERT INTO export_schedules (project_id, owner_id, request, cadence, weekday, day_of_month, run_time, timezone,
                              recipients, time_window, next_run_at)
SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
 WHERE (SELECT count(*) FROM export_schedules WHERE project_id = $1) < $12
RETURNING *
