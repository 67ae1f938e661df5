-- The previous attempt's upload is aborted: forget it (only if nobody recorded a newer one).
UPDATE export_jobs SET upload_id = NULL, updated_at = now()
 WHERE id = $1 AND upload_id = $2
