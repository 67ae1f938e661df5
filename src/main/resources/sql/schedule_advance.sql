-- The schedule's next due time (from the occurrence that was handled, not from any node's clock).
UPDATE export_schedules SET next_run_at = $2, updated_at = now() WHERE id = $1
