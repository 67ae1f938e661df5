-- Every matching link with the CSV's columns, in the list API's order. Streamed through a cursor by the export.
SELECT l.name, l.type, l.slug, l.domain, l.created_at,
       s.clicks, s.new_installs, s.returning_users, s.attributed_clicks,
       s.top_device, s.top_os, s.top_browser, s.top_country, s.last_clicked_at
  FROM links l
  JOIN link_stats s ON s.link_id = l.id AND s.project_id = l.project_id
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
