-- A schedule that cannot run pauses itself and says why.
UPDATE export_schedules SET paused_at = now(), paused_reason = $2, updated_at = now() WHERE id = $1
