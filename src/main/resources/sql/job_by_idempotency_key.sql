SELECT j.*, p.name AS project_name
  FROM export_jobs j JOIN projects p ON p.id = j.project_id
 WHERE j.project_id = $1 AND j.idempotency_key = $2
