-- V9: the file a user asked for (issue 20): its columns, format, compression and split, and what each attempt
-- produced, with the proof of its integrity.
--
-- What:
--   * columns, format, compression, split, max_rows_per_file: the request's file options, kept apart from `filters`
--     (which stays the list API's filters only). They are written resolved at the start (columns is the full ordered
--     list of column ids, never "the default"), so a retried or rescued attempt, on a node that runs a newer build,
--     writes the very file the request asked for. Values are validated by the service's tables (export.Column,
--     FileFormat, Compression, Split) and not by CHECK constraints here, so a new column or format stays a change of
--     one table row in the code.
--   * schema_version: the version of the column set the job's files follow (export.Column.SCHEMA_VERSION, bumped
--     when a column's meaning changes; README "Columns").
--   * sha256: lowercase hex SHA-256 of the bytes of the job's download (the file, or a split job's manifest), as
--     downloaded; `bytes` (V1) stays that file's size. files: every file the completing attempt wrote, in order,
--     {name, key, rowCount, bytes, sha256, createdFrom, createdTo, offset}; the manifest of a split job is the last.
--   * counted_at: when the current attempt recorded the snapshot's count in row_count, the start of its progress
--     and ETA (both derived from rows_written and this time; the claim clears it with every new attempt).
--
-- Existing rows: every job before V9 wrote the 14 default columns as UTF-8 CSV into one file, which is exactly what
-- the defaults below say; their sha256 and files stay NULL (unknown: computed by attempts from V9 on).
--
-- Exactness of what the janitor keeps: the objects a job references are object_key (the download) and every
-- files[].key. Both are written in the same fenced statement that completes the job (job_complete.sql), so a
-- completed job never references a file of another attempt, and every file of the completing attempt is
-- referenced from the commit on (job_referenced_objects.sql reads both). Files of attempts that did not complete
-- are referenced by nothing: their attempt deletes them, or the janitor's sweep does.
ALTER TABLE export_jobs
  ADD COLUMN columns text[] NOT NULL DEFAULT ARRAY['name', 'type', 'key', 'shortLink', 'createdAt', 'clicks',
    'newInstalls', 'returningUsers', 'attributedClicks', 'topDevice', 'topOs', 'topBrowser', 'topCountry',
    'lastClicked'],
  ADD COLUMN format text NOT NULL DEFAULT 'csv',
  ADD COLUMN compression text NOT NULL DEFAULT 'none',
  ADD COLUMN split text NOT NULL DEFAULT 'none',
  ADD COLUMN max_rows_per_file bigint,
  ADD COLUMN schema_version int NOT NULL DEFAULT 1,
  ADD COLUMN sha256 text,
  ADD COLUMN files jsonb,
  ADD COLUMN counted_at timestamptz;
