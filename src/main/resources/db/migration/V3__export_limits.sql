-- V3: abuse limits and retention for exports.
--   * idempotency_key: a retried POST with the same Idempotency-Key header returns the same job (per project).
--   * expired_at: set by the retention janitor when the export's object is deleted; reads then answer 410 Gone.
ALTER TABLE export_jobs ADD COLUMN idempotency_key text;
ALTER TABLE export_jobs ADD COLUMN expired_at timestamptz;
CREATE UNIQUE INDEX export_jobs_idempotency_idx ON export_jobs (project_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
-- At most one active export per project, enforced by the database too (the service checks first for a clear 409).
CREATE UNIQUE INDEX export_jobs_one_active_idx ON export_jobs (project_id)
  WHERE status IN ('pending', 'processing');
CREATE INDEX export_jobs_retention_idx ON export_jobs (finished_at) WHERE expired_at IS NULL;
