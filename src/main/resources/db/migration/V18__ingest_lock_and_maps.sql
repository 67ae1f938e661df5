-- V18: cheaper rollup maintenance on click ingestion (issue 19: with every rollup on, bulk click ingestion must cost
-- at most 2.5x the clicks alone; after V17 it cost 2.7-3.5x). Two changes, measured together on the bench database
-- with the same statements alternated (docs/benchmarks.md, "Issue 19: V18"):
--
-- 1. link_stats_lock locks the rows that exist first and creates missing rows only when some are missing. V2's
--    version ran its INSERT ... WHERE NOT EXISTS at every call: one primary-key probe per touched link (about 0.1 s of
--    a statement touching 10,000 links) to find the rows links_stats_insert created with every link. Fewer rows than
--    links are locked when a link and its events come in one statement with the events' INSERT first (their trigger
--    runs before links_stats_insert: RollupPropertyIT), when a caller passes links deleted in its own transaction
--    (the cascades of a deleted link through link_clicks_refs and the leads' and sales' update triggers), and when a
--    row was deleted by hand (rebuild-stats repairs that); then V2's insert runs (in link order) and the lock pass
--    again, which finds the rows it already holds and the created ones.
--    Exactness (V2's proof, step 1): every caller still holds the row lock of each touched link that has a row before
--    its statement reads anything, and takes the locks of existing rows in link_id order, as V2 did.
--    Deadlocks: V2 created rows before it held any lock; this path creates them while holding the first pass's. That
--    can only make a writer wait out of order for a row another transaction can see or lock: a committed link without
--    a row, which only a row deleted by hand leaves (a link created in this statement is invisible to others, and a
--    deleted link gets no row). There two writers can deadlock; Postgres fails one (40P01), which loses or doubles no
--    count, and rebuild-stats removes the cause.
-- 2. The day rollups' INSERT trigger (V17) counts the map of a (link, day) with several values of a dimension by
--    one GROUP BY per dimension over that group's clicks, instead of unpivoting every click into four rows (a lateral
--    VALUES) and grouping those. Live traffic puts nearly every (link, day) of a statement on this path.
--    Exactness: for each dimension, GROUP BY (link, day, value) over the clicks whose value is not NULL counts, per
--    key "x:" || value, exactly the unpivoted rows V17 counted (V17 dropped a row when "x:" || value was NULL, which is
--    when value is NULL). The maps and everything else are the same as V17's.

CREATE OR REPLACE FUNCTION link_stats_lock(p_links uuid[], p_ensure boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  locked bigint;
BEGIN
  PERFORM 1
  FROM link_stats s
  WHERE s.link_id IN (SELECT unnest(p_links))
  ORDER BY s.link_id
  FOR UPDATE OF s;
  GET DIAGNOSTICS locked = ROW_COUNT;
  -- Without p_ensure (the delete paths) a missing row stays missing, as in V2.
  IF p_ensure AND locked < (SELECT count(DISTINCT u.id) FROM unnest(p_links) u(id)) THEN
    INSERT INTO link_stats (link_id, project_id)
    SELECT l.id, l.project_id
    FROM (SELECT DISTINCT unnest(p_links) AS id) u
    JOIN links l ON l.id = u.id
    WHERE NOT EXISTS (SELECT 1 FROM link_stats s WHERE s.link_id = u.id)
    ORDER BY l.id
    ON CONFLICT (link_id) DO NOTHING;
    PERFORM 1
    FROM link_stats s
    WHERE s.link_id IN (SELECT unnest(p_links))
    ORDER BY s.link_id
    FOR UPDATE OF s;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION link_clicks_window_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- EXECUTE: planned at every firing (V17).
  EXECUTE $stmt$
  WITH k AS MATERIALIZED (
    -- per (link, day): the clicks, and per dimension its one value (when min = max), how many carry it, and whether
    -- the group has several values of it
    SELECT e.link_id, link_utc_day(e.clicked_at) AS day, count(*) AS clicks,
           min(e.device) AS d, count(e.device) AS n_d, min(e.device) <> max(e.device) AS md,
           min(e.os) AS o, count(e.os) AS n_o, min(e.os) <> max(e.os) AS mo,
           min(e.browser) AS b, count(e.browser) AS n_b, min(e.browser) <> max(e.browser) AS mb,
           min(e.country) AS c, count(e.country) AS n_c, min(e.country) <> max(e.country) AS mc
    FROM new_rows e
    GROUP BY 1, 2
  ), multi_rows AS MATERIALIZED (
    -- the clicks of the groups with several values of a dimension, with their day
    SELECT e.link_id, link_utc_day(e.clicked_at) AS day, e.device, e.os, e.browser, e.country
    FROM new_rows e
    WHERE (e.link_id, link_utc_day(e.clicked_at)) IN (SELECT k.link_id, k.day FROM k WHERE k.md OR k.mo OR k.mb OR k.mc)
  ), multi AS (
    -- their map: one GROUP BY per dimension, as V6 counts the all-time map (V17 unpivoted every click into four rows)
    SELECT y.link_id, y.day, jsonb_object_agg(y.k, y.n) AS dims
    FROM (SELECT e.link_id, e.day, 'd:' || e.device AS k, count(*) AS n
          FROM multi_rows e WHERE e.device IS NOT NULL GROUP BY 1, 2, 3
          UNION ALL
          SELECT e.link_id, e.day, 'o:' || e.os, count(*) FROM multi_rows e WHERE e.os IS NOT NULL GROUP BY 1, 2, 3
          UNION ALL
          SELECT e.link_id, e.day, 'b:' || e.browser, count(*)
          FROM multi_rows e WHERE e.browser IS NOT NULL GROUP BY 1, 2, 3
          UNION ALL
          SELECT e.link_id, e.day, 'c:' || e.country, count(*)
          FROM multi_rows e WHERE e.country IS NOT NULL GROUP BY 1, 2, 3) y
    GROUP BY 1, 2
  )
  INSERT INTO link_day_stats AS t (link_id, day, clicks, dim_counts)
  SELECT k.link_id, k.day, k.clicks,
         coalesce(m.dims, jsonb_strip_nulls(jsonb_build_object(
           'd:' || coalesce(k.d, ''), nullif(k.n_d, 0), 'o:' || coalesce(k.o, ''), nullif(k.n_o, 0),
           'b:' || coalesce(k.b, ''), nullif(k.n_b, 0), 'c:' || coalesce(k.c, ''), nullif(k.n_c, 0))))
  FROM k
  LEFT JOIN multi m ON m.link_id = k.link_id AND m.day = k.day
  ORDER BY k.link_id, k.day
  ON CONFLICT (link_id, day) DO UPDATE SET
    clicks = t.clicks + excluded.clicks,
    dim_counts = link_dims_plus(t.dim_counts, excluded.dim_counts)
  $stmt$;
  RETURN NULL;
END $$;
