-- How many of a project's links match a filter (the export cap check and GET /links/count).
SELECT count(*) FROM links l WHERE /*WHERE*/
