-- The most overdue schedule that is due by the database's clock ($1: a simulated clock in tests, else null), locked
-- for this transaction; SKIP LOCKED lets every node take another one at the same moment. $2: schedules this round
-- already found blocked (their project's export still runs). clock_now is the clock the round decides by.
SELECT s.*, p.name AS project_name, coalesce($1::timestamptz, now()) AS clock_now
  FROM export_schedules s JOIN projects p ON p.id = s.project_id
 WHERE s.paused_at IS NULL AND s.next_run_at <= coalesce($1::timestamptz, now()) AND s.id <> ALL ($2::uuid[])
 ORDER BY s.next_run_at
 LIMIT 1
   FOR UPDATE OF s SKIP LOCKED
