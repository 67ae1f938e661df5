-- V4: the list API's hot paths (measured by bench/run.sh, see docs/benchmarks.md).
--   * search: `search` is a literal, case-insensitive substring of slug, name or url, which no btree can serve.
--     search_text holds the three lower-cased and joined by a newline; a trigram GIN index on it lets a rare term
--     skip the full scan, and a common term is checked with a plain LIKE on one short column while the planner walks
--     the sort index (ILIKE on three columns folded case for every row and cost 5x more). The API refuses control
--     characters in `search`, so a match can never span the separator.
--     pg_trgm ships with Postgres (contrib) and is a trusted extension since 13: the database owner may create it.
--   * sortBy=name: one index range scan per project instead of a sort of all its links.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE links ADD COLUMN search_text text
  GENERATED ALWAYS AS (lower(slug || E'\n' || coalesce(name, '') || E'\n' || url)) STORED;

CREATE INDEX links_search_trgm_idx ON links USING gin (search_text gin_trgm_ops);

CREATE INDEX links_project_name_idx ON links (project_id, name, id);

ANALYZE links;
