-- A project's folders (the dashboard's folder picker; GET .../folders), by name, at most $2.
SELECT f.id, f.name
  FROM folders f
 WHERE f.project_id = $1
 ORDER BY lower(f.name), f.id
 LIMIT $2
