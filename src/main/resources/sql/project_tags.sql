-- A project's tags (the dashboard's tag picker; GET .../tags), by name, at most $2.
SELECT t.id, t.name, t.color
  FROM tags t
 WHERE t.project_id = $1
 ORDER BY lower(t.name), t.id
 LIMIT $2
