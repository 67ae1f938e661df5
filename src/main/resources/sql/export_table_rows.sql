-- What ReadPlan weighs the export's count against, all from the catalogue and the file sizes (no scan): the
-- planner's estimate of the links table's rows (-1 before its first ANALYZE), the bytes of the two tables the export
-- reads, and the server's shared_buffers in bytes.
SELECT c.reltuples::bigint,
       pg_relation_size('links'::regclass) + pg_relation_size('link_stats'::regclass),
       pg_size_bytes(current_setting('shared_buffers'))
  FROM pg_class c
 WHERE c.oid = 'links'::regclass
