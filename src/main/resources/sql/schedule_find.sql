-- One schedule of a project.
SELECT * FROM export_schedules WHERE id = $1 AND project_id = $2
