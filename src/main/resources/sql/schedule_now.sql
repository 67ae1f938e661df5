-- The database's clock: schedules are computed from it, never from a node's.
SELECT now() AS now
