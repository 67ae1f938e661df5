-- V17: the INSERT trigger of link_clicks keeps the day rollups (V12) in one set-based statement read straight from the
-- statement's transition table, as V6 did for the all-time rollups (issue 19: click ingestion with every rollup on
-- must cost at most 2.5x the clicks alone; it cost 3.9-4.9x).
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
    dim_counts = link_dims_plus(t.dim_counts, excluded.dim_counts);
  RETURN NULL;
END $$;

DROP TRIGGER link_clicks_window_insert ON link_clicks;
CREATE TRIGGER link_clicks_window_insert AFTER INSERT ON link_clicks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_window_insert();
