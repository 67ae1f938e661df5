-- A project's most recent exports, newest first.
SELECT j.*, p.name AS project_name
  FROM export_jobs j JOIN projects p ON p.id = j.project_id
 WHERE j.project_id = $1
 ORDER BY j.created_at DESC, j.id DESC
 LIMIT $2
