-- The janitor's sweep: which of a page of listed objects a job still references (it deletes the others). $1 holds
-- the job ids read from the keys (exports/<project>/<job>.<attempt>.<ext>, or exports/<project>/<job>.<attempt>/<file>
-- for the files of a split job), so one statement per page reaches the rows by primary key. A job references its
-- object_key and every key of its files (V9: a split job's data files and manifest). A job that is not finished
-- answers 'active:<id>' instead: it keeps every object under its id, since its attempt may be writing the files of
-- a split one after the other, recorded only when the job completes. An expired job references nothing: its files
-- are gone by promise.
SELECT j.object_key FROM export_jobs j
 WHERE j.id = ANY($1) AND j.object_key IS NOT NULL AND j.expired_at IS NULL
UNION
SELECT f ->> 'key' FROM export_jobs j, jsonb_array_elements(j.files) f
 WHERE j.id = ANY($1) AND j.files IS NOT NULL AND j.expired_at IS NULL
UNION
SELECT 'active:' || j.id FROM export_jobs j
 WHERE j.id = ANY($1) AND j.status IN ('pending', 'processing')
