-- The worker pool gives up on a lock after PG_LOCK_TIMEOUT_MS (db.Db), which suits the job writes. The snapshot's
-- reads lift it for their own transaction: only an ACCESS EXCLUSIVE lock (a migration's, which has a lock timeout of
-- its own) blocks them, and a read waiting on one is ended by the attempt's stall watchdog (EXPORT_STALL_SECONDS, the
-- job is retried) and, behind it, by the pool's statement limit (twice the stall limit).
SET LOCAL lock_timeout = 0
