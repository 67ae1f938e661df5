-- The tags of one list page (LinkRepository), scoped to the project like every query.
SELECT id, name, color FROM tags WHERE project_id = $1 AND id = ANY($2)
