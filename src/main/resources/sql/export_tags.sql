-- The names of a project's tags by id, read in the export's snapshot when the export has the tags column: each
-- row's links.tag_ids (V7) is written as these names, sorted, as the list API sorts a link's tags.
SELECT t.id, t.name FROM tags t WHERE t.project_id = $1
