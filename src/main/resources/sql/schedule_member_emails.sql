-- The verified addresses of a project's members (recorded from their dashboard sessions), lower-cased: the only
-- addresses a schedule may send to.
SELECT DISTINCT lower(u.email) AS email
  FROM project_members m JOIN app_users u ON u.id = m.user_id
 WHERE m.project_id = $1 AND u.email <> ''
