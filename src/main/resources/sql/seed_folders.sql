-- Five folders per project; some links stay outside any folder.
INSERT INTO folders (project_id, name)
SELECT $1, f.name
FROM (VALUES ('Campaigns'), ('Product'), ('Social Media'), ('Partners & Affiliates'), ('Archive 2024')) f(name)
ON CONFLICT (project_id, name) DO NOTHING
