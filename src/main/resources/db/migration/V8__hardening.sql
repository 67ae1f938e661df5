-- V8: hardening of the job machinery and its trust model (issue 18).
--
-- Roles: 'viewer' joins owner, admin and member. What each may do is decided in one place (export.Roles, README
-- "Roles"): a viewer lists links but starts, reads, cancels and downloads no export.
ALTER TABLE project_members DROP CONSTRAINT project_members_role_check;
ALTER TABLE project_members ADD CONSTRAINT project_members_role_check
  CHECK (role IN ('owner', 'admin', 'member', 'viewer'));

-- The verified email address of each user who started an export, recorded from their verified Supabase session.
-- An export's email goes to this address: a request over the event bus cannot name another recipient.
CREATE TABLE app_users (
  id          uuid PRIMARY KEY,
  email       text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Hand-backs (a node shutting down gives its running export to another node) are counted apart from failed
-- attempts: `attempt` stays the fencing token that every claim increments, and the attempts a job has used are
-- attempt - hand_backs. Each count has its own bound, so rolling restarts cannot exhaust a healthy job.
ALTER TABLE export_jobs ADD COLUMN hand_backs int NOT NULL DEFAULT 0;
