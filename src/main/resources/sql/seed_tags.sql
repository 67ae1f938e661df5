-- About ten tags per project; reruns keep the existing ones (names are unique per project, case-insensitively).
INSERT INTO tags (project_id, name, color)
SELECT $1, t.name, t.color
FROM (VALUES ('Marketing', 'blue'), ('Q3 Launch', 'green'), ('Social', 'purple'), ('Email', 'yellow'),
             ('Partners', 'orange'), ('Black Friday', 'red'), ('Docs', 'gray'), ('Influencers', 'pink'),
             ('Retargeting', 'teal'), ('Internal, do not share', NULL)) t(name, color)
ON CONFLICT (project_id, lower(name)) DO NOTHING
