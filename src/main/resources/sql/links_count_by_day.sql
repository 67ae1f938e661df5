-- How many of a project's links match a filter, per UTC day of creation: the plan of a split export (export.SplitPlan
-- cuts by month, then day). Read in the export's snapshot, so the files' row counts add up to exactly the rows read.
SELECT (l.created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n
  FROM links l
 WHERE /*WHERE*/
 GROUP BY 1
 ORDER BY 1
