-- Records the verified email address of a dashboard session's user (the recipient of their exports' emails).
INSERT INTO app_users (id, email) VALUES ($1, $2)
ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, updated_at = now()
 WHERE app_users.email IS DISTINCT FROM EXCLUDED.email
