-- The project of a live (not revoked) SDK key, found by the key's SHA-256.
SELECT project_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL
