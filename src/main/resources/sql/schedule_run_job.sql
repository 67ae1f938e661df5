-- The job a period's run created.
UPDATE export_schedule_runs SET job_id = $3 WHERE schedule_id = $1 AND period = $2
