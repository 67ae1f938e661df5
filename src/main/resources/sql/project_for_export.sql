-- The caller's membership and the project's plan, in one look-up (no row: unknown project or not a member), with the
-- caller's verified email address (recorded from their dashboard session), the only address an export's email goes to.
SELECT p.id, p.name, p.plan, m.role, u.email
  FROM projects p JOIN project_members m ON m.project_id = p.id
  LEFT JOIN app_users u ON u.id = m.user_id
 WHERE p.id = $1 AND m.user_id = $2
