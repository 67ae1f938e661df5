INSERT INTO api_keys (project_id, name, key_prefix, key_hash) VALUES ($1, $2, $3, $4) RETURNING id
