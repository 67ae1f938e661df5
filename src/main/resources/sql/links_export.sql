-- Every matching link with the CSV's columns, in the list API's order. Streamed through a cursor by the export.
-- The rollups are joined by primary key only. With "AND s.project_id = l.project_id" (as the list query once had)
-- the planner also knows "s.project_id = <project>", and right after a bulk import,
-- before autovacuum has analyzed the new rows, it believes the project has about one link and picks a nested loop
-- that scans all of the project's rollups once per link: 32,000 links took 143 s instead of 0.2 s. Without that
-- restriction the only cheap inner side is the primary-key lookup, whatever the statistics (StaleStatisticsIT).
SELECT l.name, l.type, l.slug, l.domain, l.created_at,
       s.clicks, s.new_installs, s.returning_users, s.attributed_clicks,
       s.top_device, s.top_os, s.top_browser, s.top_country, s.last_clicked_at
  FROM links l
  JOIN link_stats s ON s.link_id = l.id
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
