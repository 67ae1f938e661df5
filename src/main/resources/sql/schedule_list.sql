-- A project's schedules, oldest first.
SELECT * FROM export_schedules WHERE project_id = $1 ORDER BY created_at, id
