-- One page of a project's links with their rollups and tags. Filled in by io.linkexport.links.LinkQuery.
-- LinkJson reads the columns by position: keep their order.
SELECT l.id, l.domain, l.slug, l.url, l.name, l.type, l.archived, l.expires_at, l.folder_id, l.tenant_id,
       l.external_id, l.user_id, l.ios, l.android, l.utm_source, l.utm_medium, l.utm_campaign, l.utm_term,
       l.utm_content, l.created_at, l.updated_at,
       s.clicks, s.new_installs, s.returning_users, s.attributed_clicks, s.top_device, s.top_os, s.top_browser,
       s.top_country, s.last_clicked_at
       -- No tags here: LinkRepository fetches the page's tags with one more query (sql/tags_of_links.sql says why).
  FROM links l
  -- By primary key only; the project is scoped on one side in WHERE (LinkQuery explains why).
  JOIN link_stats s ON s.link_id = l.id
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
