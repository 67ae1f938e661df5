-- An API key's access to its own project.
SELECT p.id, p.plan, 'api_key' AS role FROM projects p WHERE p.id = $1
