-- The planning weight of the export's cursor for the rest of the snapshot's transaction (ReadPlan): 0.1 plans it for
-- a fast start, 1 for its total time. set_config rather than SET LOCAL, which takes no parameter.
SELECT set_config('cursor_tuple_fraction', $1, true)
