-- One page of a project's links with their rollups and tags. Filled in by io.linkexport.links.LinkQuery.
-- LinkJson reads the columns by position: keep their order.
SELECT l.id, l.domain, l.slug, l.url, l.name, l.type, l.archived, l.expires_at, l.folder_id, l.tenant_id,
       l.external_id, l.user_id, l.ios, l.android, l.utm_source, l.utm_medium, l.utm_campaign, l.utm_term,
       l.utm_content, l.created_at, l.updated_at,
       s.clicks, s.new_installs, s.returning_users, s.attributed_clicks, s.top_device, s.top_os, s.top_browser,
       s.top_country, s.last_clicked_at,
       -- The tags' ids (V7 keeps them equal to link_tags); their names and colours come from TagDictionary, which
       -- this version tells whether it still holds them. An uncorrelated subquery: evaluated once per page.
       l.tag_ids, (SELECT p.tags_version FROM projects p WHERE p.id = $1) AS tags_version
  FROM links l
  -- By primary key only; the project is scoped on one side in WHERE (LinkQuery explains why).
  JOIN link_stats s ON s.link_id = l.id
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
