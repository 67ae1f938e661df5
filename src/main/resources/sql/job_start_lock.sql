-- Serialises export starts of one project for the rest of the transaction. An advisory lock, not a lock on the
-- project row: FOR UPDATE there waited behind every open transaction that inserted a link, tag or member of the
-- project (their foreign keys hold FOR KEY SHARE on it). Two projects whose ids hash alike merely take turns.
SELECT pg_advisory_xact_lock(27749, hashtext($1::uuid::text))
