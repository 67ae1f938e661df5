-- Expired job rows are kept as tombstones (410 Gone) for another retention period ($1 seconds), then deleted.
DELETE FROM export_jobs WHERE expired_at < now() - make_interval(secs => $1)
