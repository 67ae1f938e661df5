-- Every matching link with the export's columns, in the list API's order. Streamed by the export through a cursor
-- declared in SQL (DeclaredCursor; ReadPlan picks a fast start, where a rollup sort walks its index, or the total
-- time, where a large export reads the tables in one pass and sorts). The COLUMNS marker
-- is the select list of the requested columns, joined from the constant expressions of the column table (export.Column);
-- LinkQuery fills STATS (link_stats, or link_window_stats for a metrics window: V12), WHERE and ORDER; for a split
-- export also FILE, the file's number as a last column (after the columns the encoders read), by which it orders first: one pass reads every file, RowSlices cuts it and checks it.
-- The rollups are joined by primary key only and the project is scoped on the one table the sort walks, as on a list
-- page (LinkQuery explains why): with "AND s.project_id = l.project_id", right after a bulk import, before autovacuum
-- has analyzed the new rows, the planner believed the project had about one link and picked a nested loop that
-- scanned all of the project's rollups once per link: 32,000 links took 143 s instead of 0.2 s (StaleStatisticsIT).
SELECT /*COLUMNS*//*FILE*/
  FROM links l
  JOIN /*STATS*/
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
