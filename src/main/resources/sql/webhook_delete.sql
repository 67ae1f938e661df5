-- Deletes an endpoint of a project and, by cascade, its deliveries (pending ones are not sent).
DELETE FROM webhook_endpoints WHERE id = $1 AND project_id = $2 RETURNING id
