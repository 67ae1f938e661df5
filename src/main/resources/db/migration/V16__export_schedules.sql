-- Issue 24: scheduled exports. A schedule is an export body (filters and file options, validated when it is saved)
-- with a cadence in a time zone; each run is an ordinary export job (export_jobs.schedule_id) whose email goes to
-- the schedule's recipients.
--
-- Exactly one job per schedule and period, across any number of nodes, restarts and node clocks: a node takes a due
-- schedule with FOR UPDATE SKIP LOCKED by the database's clock (next_run_at <= now()), and in one transaction inserts
-- the period's run (PRIMARY KEY (schedule_id, period): a second insert is a no-op), the job, and the schedule's next
-- due time (computed from the occurrence it ran, not from a node's clock). Nothing is decided by a node's own time.
CREATE TABLE export_schedules (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id     uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  -- the member who created it: runs are exports started as this member (paused when they leave the project)
  owner_id       uuid NOT NULL,
  request        jsonb NOT NULL,
  cadence        text NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
  weekday        int CHECK (weekday BETWEEN 1 AND 7),
  day_of_month   int CHECK (day_of_month BETWEEN 1 AND 28),
  run_time       time NOT NULL,
  timezone       text NOT NULL,
  recipients     text[] NOT NULL CHECK (cardinality(recipients) BETWEEN 1 AND 20),
  time_window    text CHECK (time_window IN ('previousPeriod')),
  next_run_at    timestamptz NOT NULL,
  paused_at      timestamptz,
  paused_reason  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((cadence = 'weekly') = (weekday IS NOT NULL)),
  CHECK ((cadence = 'monthly') = (day_of_month IS NOT NULL))
);
CREATE INDEX export_schedules_due_idx ON export_schedules (next_run_at) WHERE paused_at IS NULL;
CREATE INDEX export_schedules_project_idx ON export_schedules (project_id, created_at);

-- period: the run's period in the schedule's zone, '2026-12-07' (daily), '2026-W50' (weekly, ISO week) or '2026-12'
-- (monthly), so an edit of the schedule's day or time cannot run a period twice.
CREATE TABLE export_schedule_runs (
  schedule_id  uuid NOT NULL REFERENCES export_schedules (id) ON DELETE CASCADE,
  period       text NOT NULL,
  due_at       timestamptz NOT NULL,
  job_id       uuid REFERENCES export_jobs (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (schedule_id, period)
);

ALTER TABLE export_jobs ADD COLUMN schedule_id uuid REFERENCES export_schedules (id) ON DELETE SET NULL;
-- a scheduled run's email goes to every recipient: one outbox row per job and recipient
ALTER TABLE export_jobs ADD COLUMN recipients text[];
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_job_id_key;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_job_recipient_key UNIQUE (job_id, recipient);
