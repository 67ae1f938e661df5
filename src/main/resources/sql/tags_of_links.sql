-- The tags of one list page's links (LinkRepository), scoped to the project like every query. A second query rather
-- than a per-row subquery in links_list.sql: Postgres evaluates a subquery in the SELECT list for the rows OFFSET
-- skips too, so page 300 of a clicks-sorted list looked up the tags of 30,000 links to show 100.
SELECT lt.link_id, t.id, t.name, t.color
  FROM link_tags lt
  JOIN tags t ON t.id = lt.tag_id
 WHERE lt.link_id = ANY($2) AND t.project_id = $1
