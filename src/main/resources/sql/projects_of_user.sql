-- The projects a dashboard user belongs to (the dashboard's project picker), by name.
SELECT p.id, p.name, p.plan, m.role
  FROM project_members m JOIN projects p ON p.id = m.project_id
 WHERE m.user_id = $1
 ORDER BY lower(p.name), p.id
 LIMIT 200
