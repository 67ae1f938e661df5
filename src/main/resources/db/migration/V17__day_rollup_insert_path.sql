-- V17: the INSERT trigger of link_clicks keeps the day rollups (V12) in one set-based statement read straight from the
-- statement's transition table, as V6 did for the all-time rollups (issue 19: click ingestion with every rollup on
-- must cost at most 2.5x the clicks alone; it cost 4.05-4.86x).
--
-- Why: V12's path packed the statement's clicks into an array of composites (grouped by link, day and all four
-- dimensions), unpacked it in link_clicks_day_deltas to unpivot every group into four (key, count) rows, built one
-- jsonb map per (link, day) with jsonb_object_agg, packed those into a second array and unpacked it again in
-- link_day_apply, whose merge (link_dims_add) first searched each map for a non-positive count. Measured on the bench
-- database (statements of 100,000 clicks spread over 90 days of 10,000 links, so nearly every click is its own
-- (link, day) row; auto_explain of the nested statements, docs/benchmarks.md): building the array 0.36 s, the deltas
-- 1.75 s, applying them 2.2 s, against 1.2-1.6 s for this statement.
-- What this path does instead:
--   * one GROUP BY (link, day) over the clicks, which also tells, per dimension, whether the group's clicks carry one
--     value of it (min = max over the values that are not NULL) and how many carry it (count);
--   * a group whose every dimension has at most one value (every group of one click, and most groups of a statement
--     spread over many days) builds its map directly: {"d:<device>": count(device), ...}, keys of NULL dimensions
--     left out (jsonb_strip_nulls of a NULL count);
--   * only the other groups (many clicks of one link and day with different values: live traffic) unpivot their
--     clicks into (key, count) rows as V12 did;
--   * the rows are upserted in (link, day) order, as link_day_apply did, merging a map into an existing row's with
--     link_dims_plus, V12's merge without its search for removals: an INSERT only adds.
--
-- Exactness: the same delta per (link, day) as V12's path. clicks = the group's count in both. Map: V12 sums, per
-- (link, day, "d:" || device), the clicks whose device is not NULL; when a group's non-NULL devices are all one value
-- v, that sum is count(device) under the single key "d:" || v, which is what the direct map writes (and no key when
-- count(device) = 0); likewise for os, browser and country; a group with a dimension of several values takes V12's
-- unpivot unchanged. The additions are applied under the same row locks and in the same order as link_day_apply's
-- (steps 1 and 3 of V12's proof), and the trigger keeps its name, so it still fires after link_clicks_stats_insert
-- (same event: alphabetical order) and holds the links' link_stats locks before it touches their day rows.
-- DELETE and UPDATE of clicks keep V12's general path (link_clicks_window), whose INSERT branch no trigger uses now.
--
-- Both INSERT triggers of link_clicks (this one and V6's all-time one, re-created below) run their statement with
-- EXECUTE, so it is planned at every firing for that statement's clicks (TriggerPlanIT).

-- The sum of two counter maps whose second holds additions only (positive counts): the changed keys merged in with ||.
CREATE FUNCTION link_dims_plus(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN b = '{}'::jsonb THEN a
    WHEN a = '{}'::jsonb THEN b
    ELSE a || (SELECT jsonb_object_agg(e.key, coalesce((a ->> e.key)::bigint, 0) + e.value::bigint)
               FROM jsonb_each_text(b) e) END
$$;

CREATE FUNCTION link_clicks_window_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- EXECUTE: planned at every firing for the statement's own number of clicks. A static statement keeps the plan of
  -- its session's first firing, sized for that firing's transition table: a session whose first INSERT had one click
  -- would run its bulk statements through nested loops planned for one row.
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
  ), multi AS (
    -- V12's unpivot, for the groups with several values of a dimension only
    SELECT y.link_id, y.day, jsonb_object_agg(y.k, y.n) AS dims
    FROM (SELECT e.link_id, link_utc_day(e.clicked_at) AS day, v.k, count(*) AS n
          FROM new_rows e
          CROSS JOIN LATERAL (VALUES ('d:' || e.device), ('o:' || e.os), ('b:' || e.browser),
                                     ('c:' || e.country)) v(k)
          WHERE v.k IS NOT NULL
            AND (e.link_id, link_utc_day(e.clicked_at)) IN (
              SELECT k.link_id, k.day FROM k WHERE k.md OR k.mo OR k.mb OR k.mc)
          GROUP BY 1, 2, 3) y
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

DROP TRIGGER link_clicks_window_insert ON link_clicks;
CREATE TRIGGER link_clicks_window_insert AFTER INSERT ON link_clicks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_window_insert();

-- The all-time INSERT trigger (V6's link_clicks_stats_insert) is re-created unchanged but for the same EXECUTE. Its
-- static statement was planned once per session for the first firing's transition table; on the bench database a
-- session whose first INSERT held one click then took more than 60 s (cancelled) for a statement of 100,000 clicks
-- of the last hour that takes 3.7 s in a fresh session (nested loops over the statement's clicks, planned for one).
CREATE OR REPLACE FUNCTION link_clicks_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Step 1 of V2's proof: lock (and create if missing) the touched links' rollup rows, in link order.
  PERFORM link_stats_lock(ARRAY(SELECT DISTINCT e.link_id FROM new_rows e), true);
  -- Step 2: this statement's snapshot is taken after the lock. EXECUTE: planned at every firing (V17).
  EXECUTE $stmt$
  WITH per_link AS (
    SELECT e.link_id, count(*) AS clicks, max(e.clicked_at) AS last_at FROM new_rows e GROUP BY e.link_id
  ), per_key AS (
    -- the statement's clicks per (link, dimension, value); dimensions 1-4 = d: o: b: c: of the map
    SELECT e.link_id, 1 AS dim, e.device AS v, count(*) AS n
    FROM new_rows e WHERE e.device IS NOT NULL GROUP BY e.link_id, e.device
    UNION ALL
    SELECT e.link_id, 2, e.os, count(*) FROM new_rows e WHERE e.os IS NOT NULL GROUP BY e.link_id, e.os
    UNION ALL
    SELECT e.link_id, 3, e.browser, count(*) FROM new_rows e WHERE e.browser IS NOT NULL GROUP BY e.link_id, e.browser
    UNION ALL
    SELECT e.link_id, 4, e.country, count(*) FROM new_rows e WHERE e.country IS NOT NULL GROUP BY e.link_id, e.country
  ), cur AS (
    -- the touched links' maps, tops and the tops' counts as the previous writer committed them
    SELECT s.link_id, s.dim_counts AS old, s.top_device, s.top_os, s.top_browser, s.top_country,
           (s.dim_counts ->> ('d:' || s.top_device))::bigint AS n_d,
           (s.dim_counts ->> ('o:' || s.top_os))::bigint AS n_o,
           (s.dim_counts ->> ('b:' || s.top_browser))::bigint AS n_b,
           (s.dim_counts ->> ('c:' || s.top_country))::bigint AS n_c
    FROM link_stats s JOIN per_link p ON p.link_id = s.link_id
  ), changed AS (
    -- each changed counter's key and new count, beside the old top's count of its dimension
    SELECT x.link_id, x.dim, x.v, k.k, coalesce((c.old ->> k.k)::bigint, 0) + x.n AS n,
           CASE x.dim WHEN 1 THEN c.n_d WHEN 2 THEN c.n_o WHEN 3 THEN c.n_b ELSE c.n_c END AS top_n
    FROM per_key x JOIN cur c ON c.link_id = x.link_id
    CROSS JOIN LATERAL (SELECT (CASE x.dim WHEN 1 THEN 'd:' WHEN 2 THEN 'o:' WHEN 3 THEN 'b:' ELSE 'c:' END) || x.v
                        AS k) k
  ), candidates AS (
    -- who can be a dimension's top now: its old top, and the changed counters that reach the old top's count
    SELECT x.link_id, x.dim, x.v, x.n FROM changed x WHERE x.top_n IS NULL OR x.n >= x.top_n
    UNION ALL
    SELECT c.link_id, t.dim, t.v, t.n
    FROM cur c
    CROSS JOIN LATERAL (VALUES (1, c.top_device, c.n_d), (2, c.top_os, c.n_o), (3, c.top_browser, c.n_b),
                               (4, c.top_country, c.n_c)) t(dim, v, n)
    WHERE t.n IS NOT NULL
  ), tops AS (
    SELECT t.link_id,
           max(t.v) FILTER (WHERE t.dim = 1) AS top_device, max(t.v) FILTER (WHERE t.dim = 2) AS top_os,
           max(t.v) FILTER (WHERE t.dim = 3) AS top_browser, max(t.v) FILTER (WHERE t.dim = 4) AS top_country
    FROM (SELECT DISTINCT ON (x.link_id, x.dim) x.link_id, x.dim, x.v
          FROM candidates x
          ORDER BY x.link_id, x.dim, x.n DESC, x.v COLLATE "C") t
    GROUP BY t.link_id
  ), merged AS (
    -- the changed counters as one map per link, merged into the old map below (|| keeps the other keys)
    SELECT x.link_id, jsonb_object_agg(x.k, x.n) AS counts FROM changed x GROUP BY x.link_id
  )
  UPDATE link_stats s SET
    clicks = s.clicks + d.clicks,
    last_clicked_at = greatest(s.last_clicked_at, d.last_at),
    dim_counts = s.dim_counts || coalesce(m.counts, '{}'::jsonb),
    top_device = coalesce(t.top_device, s.top_device),
    top_os = coalesce(t.top_os, s.top_os),
    top_browser = coalesce(t.top_browser, s.top_browser),
    top_country = coalesce(t.top_country, s.top_country)
  FROM per_link d
  LEFT JOIN merged m ON m.link_id = d.link_id
  LEFT JOIN tops t ON t.link_id = d.link_id
  WHERE s.link_id = d.link_id
  $stmt$;
  RETURN NULL;
END $$;
