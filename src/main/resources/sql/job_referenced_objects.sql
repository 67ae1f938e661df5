-- The janitor's sweep: which of a page of listed objects a job still references (it deletes the others). $1 holds
-- the job ids read from the keys (exports/<project>/<job>.<attempt>.csv), so one statement per page reaches the rows
-- by primary key. An expired job references nothing: its file is gone by promise.
SELECT object_key FROM export_jobs
 WHERE id = ANY($1) AND object_key IS NOT NULL AND expired_at IS NULL
