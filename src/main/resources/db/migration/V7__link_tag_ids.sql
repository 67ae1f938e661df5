-- V7: a list page reads its links' tags from the links rows, in the same statement as the links.
--
-- Why: the list API fetched the tags of a page's links with a second statement (sql/tags_of_links.sql, one probe of
-- link_tags per link). On the bench's clicks-sorted page that statement cost about as much as the page itself: a
-- build without it served 1,875 req/s against 1,147 (Postgres 0.51 against 0.89 ms of CPU per page, the service 0.47
-- against 0.69 ms; docs/benchmarks.md, "Tags from the links rows").
--
-- What:
--   * links.tag_ids holds the link's tag ids, sorted, kept equal to link_tags by the triggers below (link_tags stays
--     the source of truth: the tagIds / tagNames filters read it);
--   * projects.tags_version grows on every change to a project's tags (insert, rename, recolour, delete, move), so
--     the service may keep tag names and colours by id and know in the page's own statement whether they still hold
--     (io.linkexport.links.TagDictionary).
--
-- Exactness of tag_ids: every writer of link_tags locks the touched links' rows in id order before it recomputes
-- their tag_ids (FOR NO KEY UPDATE, the lock the UPDATE takes anyway, so that foreign-key checks of clicks being
-- ingested for the link do not wait for it), and the recomputation is a statement of its own after the lock: in READ
-- COMMITTED it takes a fresh snapshot (VOLATILE plpgsql), so it sees every writer that held the lock before it, and
-- its own changes. Under REPEATABLE READ and SERIALIZABLE a concurrent writer's lock ends in a serialization failure
-- for the later one, which its client retries (LinkTagsIT). Cascades (a deleted tag or link) delete from link_tags
-- and run the same triggers. TRUNCATE of link_tags clears every tag_ids; TRUNCATE of tags cascades to it.
--
-- Locks and deadlocks: a tag change now locks its links' rows, and a change to a project's tags its projects row.
-- Tag writers among themselves take the links in id order, so they cannot deadlock each other. A statement that
-- locks many links rows in another order (a bulk UPDATE of links) or a project delete running against a change to
-- that project's tags can deadlock with them; Postgres detects it within deadlock_timeout and fails one, which its
-- client retries. Both are rare operations of the link-management side; this service only reads these tables.
--
-- The backfill runs with link_tags and tags locked against writers, so no change can commit between its snapshot
-- and the triggers' creation unseen by both. It rewrites every tagged link (106 s for the bench's 832,842 of
-- 1.11 million links on the 2-core build machine); run VACUUM ANALYZE links after it on large data.

LOCK TABLE link_tags, tags IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE links ADD COLUMN tag_ids uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE projects ADD COLUMN tags_version bigint NOT NULL DEFAULT 0;

UPDATE links l SET tag_ids = t.ids
  FROM (SELECT link_id, array_agg(tag_id ORDER BY tag_id) AS ids FROM link_tags GROUP BY link_id) t
 WHERE t.link_id = l.id;

-- Recomputes tag_ids of the given links from link_tags, after locking their rows in id order. Rows whose value does
-- not change are not written (a bulk import that sets tag_ids itself costs one read per link).
CREATE FUNCTION links_sync_tag_ids(p_links uuid[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p_links) = 0 THEN
    RETURN; -- e.g. a link deleted without tags: its cascade deleted no link_tags row
  END IF;
  PERFORM 1 FROM links WHERE id = ANY(p_links) ORDER BY id FOR NO KEY UPDATE;
  UPDATE links l SET tag_ids = c.ids
    FROM (SELECT u.id, coalesce((SELECT array_agg(lt.tag_id ORDER BY lt.tag_id) FROM link_tags lt
                                  WHERE lt.link_id = u.id), '{}') AS ids
            FROM unnest(p_links) AS u(id)) c
   WHERE l.id = c.id AND l.tag_ids IS DISTINCT FROM c.ids;
END $$;

CREATE FUNCTION link_tags_sync_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM links_sync_tag_ids(ARRAY(SELECT DISTINCT link_id FROM new_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION link_tags_sync_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM links_sync_tag_ids(ARRAY(SELECT DISTINCT link_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION link_tags_sync_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM links_sync_tag_ids(ARRAY(SELECT link_id FROM new_rows UNION SELECT link_id FROM old_rows));
  RETURN NULL;
END $$;

CREATE FUNCTION link_tags_sync_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- In id order like every writer; link_tags is empty now, so every one becomes '{}'.
  PERFORM links_sync_tag_ids(ARRAY(SELECT id FROM links WHERE tag_ids <> '{}'));
  RETURN NULL;
END $$;

CREATE TRIGGER link_tags_sync_insert AFTER INSERT ON link_tags
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_tags_sync_insert();
CREATE TRIGGER link_tags_sync_delete AFTER DELETE ON link_tags
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_tags_sync_delete();
CREATE TRIGGER link_tags_sync_update AFTER UPDATE ON link_tags
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_tags_sync_update();
CREATE TRIGGER link_tags_sync_truncate AFTER TRUNCATE ON link_tags
  FOR EACH STATEMENT EXECUTE FUNCTION link_tags_sync_truncate();

CREATE FUNCTION tags_bump_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE projects SET tags_version = tags_version + 1 WHERE id = NEW.project_id;
  END IF;
  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.project_id <> NEW.project_id) THEN
    UPDATE projects SET tags_version = tags_version + 1 WHERE id = OLD.project_id;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION tags_bump_version_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE projects SET tags_version = tags_version + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER tags_bump_version AFTER INSERT OR UPDATE OR DELETE ON tags
  FOR EACH ROW EXECUTE FUNCTION tags_bump_version();
CREATE TRIGGER tags_bump_version_truncate AFTER TRUNCATE ON tags
  FOR EACH STATEMENT EXECUTE FUNCTION tags_bump_version_truncate();
