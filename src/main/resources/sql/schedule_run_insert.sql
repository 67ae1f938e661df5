-- The period's run; no row when the period already has one (edited schedules, two nodes: never a second job).
INSERT INTO export_schedule_runs (schedule_id, period, due_at, job_id)
VALUES ($1, $2, $3, $4)
ON CONFLICT (schedule_id, period) DO NOTHING
RETURNING period
