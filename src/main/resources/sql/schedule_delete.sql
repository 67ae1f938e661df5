-- Deletes a schedule; its past runs' jobs stay (schedule_id set null).
DELETE FROM export_schedules WHERE id = $1 AND project_id = $2 RETURNING id
