-- The caller's membership and the project's plan, in one look-up (no row: unknown project or not a member).
SELECT p.id, p.name, p.plan, m.role
  FROM projects p JOIN project_members m ON m.project_id = p.id
 WHERE p.id = $1 AND m.user_id = $2
