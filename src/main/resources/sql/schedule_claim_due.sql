-- The most overdue schedule that is due by the database's clock ($1: a simulated clock in tests, else null), locked
-- for this transaction; SKIP LOCKED lets every node take another one at the same moment. A project that has an export
-- pending or processing is passed over (its run would wait: the project's one active export), so waiting runs never
-- hold back the others; $2: schedules this round found blocked anyway (a race with a new export). clock_now is the
-- clock the round decides by.
SELECT s.*, p.name AS project_name, coalesce($1::timestamptz, now()) AS clock_now
  FROM export_schedules s JOIN projects p ON p.id = s.project_id
 WHERE s.paused_at IS NULL AND s.next_run_at <= coalesce($1::timestamptz, now()) AND s.id <> ALL ($2::uuid[])
   AND NOT EXISTS (SELECT 1 FROM export_jobs j
                    WHERE j.project_id = s.project_id AND j.status IN ('pending', 'processing'))
 ORDER BY s.next_run_at
 LIMIT 1
   FOR UPDATE OF s SKIP LOCKED
