-- The positions at which a parallel export cuts its order into ranges (export.SnapshotReads): the sort value and
-- tie-breaker (KEY) of a sample of the matching links, in the export's order. SAMPLE is a block sample of the links
-- table (TABLESAMPLE SYSTEM: only the sampled pages are read, a few milliseconds where the export reads for seconds)
-- or empty, and then LinkQuery adds a row sample (random()) to WHERE: the export's rows once more, without the sort,
-- for a project that is a small share of a large table. A block sample's rows cluster by page, which only makes the
-- ranges less even, never wrong (links.SortRange). Run in the export's snapshot.
SELECT /*KEY*/
  FROM links l /*SAMPLE*/
  JOIN /*STATS*/
 WHERE /*WHERE*/
 ORDER BY /*ORDER*/
