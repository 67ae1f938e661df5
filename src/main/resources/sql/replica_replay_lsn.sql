-- A read replica: whether it is a standby, and how far it has replayed the primary's WAL (bytes; null when not one).
SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint
