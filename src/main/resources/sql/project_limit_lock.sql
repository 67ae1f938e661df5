-- Serialises the creations of a project's schedules and webhook endpoints for the rest of the transaction, so the
-- insert that follows (a statement of its own, with its own snapshot) counts every committed one and the limit is
-- exact in READ COMMITTED, the pools' level (in REPEATABLE READ the snapshot would predate the wait). An advisory lock,
-- as job_start_lock.sql explains; its own class, so it never waits for an export's start.
SELECT pg_advisory_xact_lock(27750, hashtext($1::uuid::text))
