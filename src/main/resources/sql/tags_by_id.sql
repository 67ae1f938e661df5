-- Names and colours of the tags a list page's links carry (links.tag_ids) that TagDictionary does not hold yet,
-- scoped to the project like every query: an id of another project's tag is left out. By primary key whatever the
-- values, so the generic-plan pool serves it.
SELECT t.id, t.name, t.color
  FROM tags t
 WHERE t.id = ANY($2) AND t.project_id = $1
