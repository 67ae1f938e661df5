-- The primary's WAL insert position (bytes): every commit acknowledged before this statement is at or below it
-- (pg_current_wal_lsn, the write position, may be behind a commit made with synchronous_commit = off).
SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint
