-- Failed jobs whose last attempt could not abort its multipart upload (S3 was down): abort them now.
SELECT id, object_key, upload_id FROM export_jobs
 WHERE status = 'failed' AND upload_id IS NOT NULL AND object_key IS NOT NULL
 LIMIT $1
