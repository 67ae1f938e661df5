-- The first statements of an export's transaction (one simple query, run right after BEGIN).
-- One consistent snapshot for the count and the cursor, and nothing the export could write by mistake.
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;
-- The cursor is read to the end: plan for the whole result, as COPY would, not for its first 10% (the default).
SET LOCAL cursor_tuple_fraction = 1.0;
-- An export reads every matching link, so a hash join of the project's links and rollups is the right plan at any
-- size. A nested loop only wins for a few rows, and it is the plan that goes quadratic when the row estimates are
-- stale: right after a bulk import (before autovacuum analyzes the tables) the planner believes the project has one
-- link, scans all of the project's rollups once per link, and a 32,000-link export took 143 s instead of 0.2 s
-- (StaleStatisticsIT). Disabling nested loops only penalises them, so a query without another plan still runs.
SET LOCAL enable_nestloop = off;
