-- Creates the seeded project, or keeps an existing one as it is (--project reuses a project).
INSERT INTO projects (id, name, plan) VALUES ($1, $2, $3)
ON CONFLICT (id) DO NOTHING
