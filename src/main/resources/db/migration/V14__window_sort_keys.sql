-- V14: the numbers a list page sorted by a windowed count needs to choose its links (issue 19), without the rest of
-- the window's analytics.
--
-- A page sorted by clicks or installs in a metrics window must know every link's count to pick its links; V12 read
-- them from link_window_stats, which also sums every link's dimension maps (to pick the tops) and probes every link's
-- last click: for 100,000 links and a 30-day window about 20 s, past the list's 5 s bus timeout. link_window_keys
-- computes only the counts, the same way link_window_stats_of does (whole UTC days from link_day_stats, the edges
-- shorter than a day from the raw events, V12), so the two agree on every number; the list then computes the whole
-- window for the page's links alone (link_window_stats_of over their ids), whose counts equal the keys they were
-- chosen by, hence the same order (LinkQuery.windowPage). sale_amount is the all-time total, as in a window's row.
CREATE FUNCTION link_window_keys(p_project uuid, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (link_id uuid, project_id uuid, clicks bigint, new_installs bigint, sale_amount bigint)
LANGUAGE sql STABLE AS $$
  WITH b AS MATERIALIZED (
    SELECT * FROM link_window_bounds(link_window_start(p_from), p_to)
  ), e AS MATERIALIZED (
    SELECT b.lo1 AS lo, b.hi1 AS hi FROM b WHERE b.lo1 < b.hi1
    UNION ALL
    SELECT b.lo2, b.hi2 FROM b WHERE b.lo2 < b.hi2
  ), p AS MATERIALIZED (
    SELECT s.link_id, s.project_id, s.sale_amount FROM link_stats s WHERE s.project_id = p_project
  ), parts AS (
    SELECT d.link_id, d.clicks, d.new_installs
    FROM b, p JOIN link_day_stats d ON d.link_id = p.link_id
    WHERE d.day >= b.fd AND d.day < b.td
    UNION ALL
    SELECT c.link_id, count(*), 0
    FROM e, p JOIN link_clicks c ON c.link_id = p.link_id
    WHERE c.clicked_at >= e.lo AND c.clicked_at < e.hi
    GROUP BY c.link_id
    UNION ALL
    SELECT i.link_id, 0, count(*)
    FROM e, p JOIN link_installs i ON i.link_id = p.link_id
    WHERE i.occurred_at >= e.lo AND i.occurred_at < e.hi AND i.kind = 'install'
    GROUP BY i.link_id
  ), sums AS (
    SELECT x.link_id, sum(x.clicks)::bigint AS clicks, sum(x.new_installs)::bigint AS new_installs
    FROM parts x GROUP BY x.link_id
  )
  SELECT p.link_id, p.project_id, coalesce(w.clicks, 0), coalesce(w.new_installs, 0), p.sale_amount
  FROM p LEFT JOIN sums w ON w.link_id = p.link_id
$$;
