-- One page of a project's links with their rollups and tags. Filled in by io.linkexport.links.LinkQuery (a cursor
-- page repeats it per branch: Keyset); STATS is link_stats, or link_window_stats for a metrics window (V12).
-- LinkFields reads the columns by position: keep their order.
SELECT l.id, l.domain, l.slug, l.url, l.name, l.type, l.archived, l.expires_at, l.folder_id, l.tenant_id,
       l.external_id, l.user_id, l.ios, l.android, l.utm_source, l.utm_medium, l.utm_campaign, l.utm_term,
       l.utm_content, l.created_at, l.updated_at,
       s.clicks, s.new_installs, s.returning_users, s.attributed_clicks, s.top_device, s.top_os, s.top_browser,
       s.top_country, s.last_clicked_at,
       -- The tags' ids (V7 keeps them equal to link_tags); their names and colours come from TagDictionary, which
       -- this version tells whether it still holds them. An uncorrelated subquery: evaluated once per page.
       l.tag_ids, (SELECT p.tags_version FROM projects p WHERE p.id = $1) AS tags_version,
       -- dub's link fields (V10). Whether the link has a password, never the password: the service does not read it.
       l.track_conversion, l.expired_url, l.password IS NOT NULL AS password_protected, l.proxy, l.title,
       l.description, l.image, l.rewrite, l.do_index, l.geo::text AS geo, l.public_stats, l.comments,
       s.leads, s.conversions, s.sales, s.sale_amount/*PART*/
  FROM links l
  -- By primary key only; the project is scoped on one side in WHERE (LinkQuery explains why).
  JOIN /*STATS*/
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
