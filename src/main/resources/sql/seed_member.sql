-- The seeded project's owner.
INSERT INTO project_members (project_id, user_id, role) VALUES ($1, $2, 'owner')
ON CONFLICT (project_id, user_id) DO UPDATE SET role = 'owner'
