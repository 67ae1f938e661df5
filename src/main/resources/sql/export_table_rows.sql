-- The planner's estimate of the links table's rows (-1 before its first ANALYZE), which ReadPlan weighs the export's
-- count against: a catalogue read, no scan.
SELECT reltuples::bigint FROM pg_class WHERE oid = 'links'::regclass
