-- Recomputes link_click_matches, link_stats (with its per-dimension counters and conversions) and the day rollups of
-- the metrics window (V12) from the raw events, for one project ($1) or for every project ($1 NULL). One statement,
-- hence one transaction; the work is in link_stats_rebuild (V5, V10, V12) because it shares the triggers' lock
-- protocol and must change together with them. Returns the number of links rebuilt.
SELECT link_stats_rebuild($1::uuid) AS rebuilt
