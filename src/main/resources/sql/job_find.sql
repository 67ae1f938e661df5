-- One job, only within its project (another project's job id is "not found").
SELECT j.*, p.name AS project_name
  FROM export_jobs j JOIN projects p ON p.id = j.project_id
 WHERE j.id = $1 AND j.project_id = $2
