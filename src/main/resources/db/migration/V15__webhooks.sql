-- Issue 24: webhook endpoints and their deliveries, sent as the Standard Webhooks specification says.
--
-- A delivery row is an outbox row like mail_outbox: it is written in the export job's final transaction
-- (job_webhook_enqueue.sql, beside the job's email), one per enabled endpoint of the project subscribed to the event,
-- so an event is queued exactly once however often its job was retried or rescued (the final transaction is fenced
-- and runs once; UNIQUE (endpoint_id, event_id) makes a second insert a no-op anyway). event_id is the webhook-id
-- header: the same on every attempt, so a receiver that dedupes on it sees each event once.
--
-- The secret is kept as the user was shown it (whsec_ + base64 of 32 random bytes): HMAC needs it in clear. It is
-- shown once, in the reply that creates the endpoint, and never listed again.
CREATE TABLE webhook_endpoints (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id       uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  url              text NOT NULL CHECK (length(url) <= 2048),
  events           text[] NOT NULL
                   CHECK (cardinality(events) > 0 AND events <@ ARRAY['export.completed', 'export.failed']),
  secret           text NOT NULL,
  created_by       uuid NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  -- the first failed attempt since the endpoint last accepted a delivery (null: not failing)
  failing_since    timestamptz,
  disabled_at      timestamptz,
  disabled_reason  text
);
CREATE INDEX webhook_endpoints_project_idx ON webhook_endpoints (project_id, created_at);

-- attempts + 1 is a claim's fencing token, as in mail_outbox: a sender whose lease ran out cannot record anything
-- once another sender claimed the row again.
CREATE TABLE webhook_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         text NOT NULL,
  event_type       text NOT NULL,
  job_id           uuid REFERENCES export_jobs (id) ON DELETE SET NULL,
  -- the exact bytes signed and sent on every attempt
  body             text NOT NULL,
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  delivered_at     timestamptz,
  given_up_at      timestamptz,
  -- when its first attempt failed: its endpoint is disabled on giving up if it accepted nothing since
  first_failed_at  timestamptz,
  last_status      int,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
  WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);

-- The email to a project's owners when an endpoint is disabled has no job: such a row names its own key instead
-- (dedupe_key, e.g. webhook_disabled:<endpoint>:<owner>), unique like job_id.
ALTER TABLE mail_outbox ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE mail_outbox ADD COLUMN dedupe_key text UNIQUE;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_keyed CHECK (job_id IS NOT NULL OR dedupe_key IS NOT NULL);
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_kind_check;
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_kind_check
  CHECK (kind IN ('export_ready', 'export_failed', 'webhook_disabled'));
