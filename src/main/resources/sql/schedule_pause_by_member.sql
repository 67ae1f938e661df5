-- A member pauses a schedule: nothing else of it is looked at or changed (a paused schedule whose recipients left or
-- whose request no longer validates can still be paused).
UPDATE export_schedules
   SET paused_at = coalesce(paused_at, now()), paused_reason = coalesce(paused_reason, 'paused by a member'),
       updated_at = now()
 WHERE id = $1 AND project_id = $2
RETURNING *
