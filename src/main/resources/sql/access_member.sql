-- A session's access: the user must be a member of the project.
SELECT p.id, p.plan, m.role FROM projects p JOIN project_members m ON m.project_id = p.id
 WHERE p.id = $1 AND m.user_id = $2
