-- The janitor's sweep: which of a page of listed multipart uploads a job still records (its attempt, a rescuer or
-- the leftover step aborts those). $1 holds the job ids read from the uploads' keys; one statement per page.
SELECT upload_id FROM export_jobs
 WHERE id = ANY($1) AND upload_id IS NOT NULL
