-- V2: link_stats is maintained by the database itself, exact at every commit whoever writes the raw events.
--
-- Shape
--   * link_dim_counts (link, dimension, value) -> clicks: the top_device/os/browser/country of a link is read from
--     here, so a new click never rescans the link's clicks.
--   * link_click_matches (link, click_id) -> installs of that link carrying that click_id: attributed_clicks is the
--     number of these rows. Counters go up and down; a row that reaches 0 is deleted (CHECK n > 0 enforces it).
--   * Statement-level AFTER triggers with transition tables (one per event, since a trigger carries transition
--     tables for one event only) aggregate the statement's rows per link, then call one shared apply function per
--     table. UPDATE is handled as "remove the old rows, add the new rows"; the ON DELETE SET NULL of
--     link_installs.click_id therefore arrives as an UPDATE of link_installs and lowers the matches.
--   * TRUNCATE zeroes the affected counters; links INSERT creates the link_stats row; link deletion cascades (V1 FKs
--     and the FKs below), and the delete triggers it fires only UPDATE existing rows, never insert.
--
-- Why the counts stay exact under concurrent READ COMMITTED writers (the proof)
--   1. Every change to the rollup state of link L (its link_stats row, its link_dim_counts rows, its
--      link_click_matches rows) is made by link_stats_apply_clicks / link_stats_apply_installs /
--      link_stats_rebuild, and each of them first locks link_stats row L FOR UPDATE (link_stats_lock) and holds the
--      lock until its transaction ends. Writers of L's rollups are therefore serialised: while T2 holds L, every
--      other transaction that changed L's rollups has committed or rolled back.
--   2. The apply functions are VOLATILE plpgsql, so in READ COMMITTED every statement after the lock takes a fresh
--      snapshot. The statements that change counters and that recompute values (top values from link_dim_counts,
--      last_clicked_at from link_clicks, attributed_clicks from the matches that exist) run after the lock, so they
--      see everything committed by earlier writers of L plus T2's own events, and nothing uncommitted that touches L.
--   3. A concurrent writer T1 whose raw rows T2 cannot see has not yet applied its delta to L's rollups (its trigger
--      runs after its rows, at statement end, and must wait for L's lock); when it gets the lock it applies its own
--      delta on top of T2's committed state, and its recomputations see T2's committed rows. So after both commit,
--      state = f(all rows), for every interleaving. Rolled-back transactions roll back their deltas with their rows.
--   4. Locks are taken in link_id order inside one statement, so two multi-link statements cannot deadlock on each
--      other's link_stats rows (transactions that run several statements in different link orders still can, as
--      with any row locks; the loser gets a deadlock error and retries). REPEATABLE READ / SERIALIZABLE writers that
--      meet a concurrently changed row get a serialization failure from the FOR UPDATE and must retry, as usual.
--   A link whose link_stats row is already gone is being deleted in the same transaction; its helper rows go with it
--   (FK cascades), so nothing needs the lock.

CREATE TABLE link_dim_counts (
  link_id  uuid NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  dim      text NOT NULL CHECK (dim IN ('device', 'os', 'browser', 'country')),
  -- "C" collation: the tie-break of the top value is byte order, the same on every server whatever its locale.
  value    text COLLATE "C" NOT NULL,
  n        bigint NOT NULL CHECK (n > 0),
  PRIMARY KEY (link_id, dim, value)
) WITH (fillfactor = 80); -- n is not indexed: counter updates can stay HOT when the page has room

CREATE TABLE link_click_matches (
  link_id   uuid NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  click_id  bigint NOT NULL, -- no FK: deleting a click nulls link_installs.click_id, whose trigger lowers n
  n         bigint NOT NULL CHECK (n > 0),
  PRIMARY KEY (link_id, click_id)
) WITH (fillfactor = 80);

-- The per-statement aggregates handed from the triggers to the apply functions (one element per link or per key).
CREATE TYPE link_stats_click_delta AS (link_id uuid, clicks bigint, max_clicked_at timestamptz, removed boolean);
CREATE TYPE link_stats_dim_delta AS (link_id uuid, dim text, value text COLLATE "C", delta bigint);
CREATE TYPE link_stats_install_delta AS (link_id uuid, installs bigint, reopens bigint);
CREATE TYPE link_stats_match_delta AS (link_id uuid, click_id bigint, delta bigint);

-- Locks the link_stats rows of p_links in link_id order (step 1 of the proof). With p_ensure, first creates the
-- rows that are missing for links that exist: a link inserted by the same statement (a data-modifying CTE) may get
-- its events before the links trigger has run. Delete paths pass false: they must never create rows.
CREATE FUNCTION link_stats_lock(p_links uuid[], p_ensure boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF p_ensure THEN
    INSERT INTO link_stats (link_id, project_id)
    SELECT l.id, l.project_id
    FROM (SELECT DISTINCT unnest(p_links) AS id) u
    JOIN links l ON l.id = u.id
    WHERE NOT EXISTS (SELECT 1 FROM link_stats s WHERE s.link_id = u.id)
    ON CONFLICT (link_id) DO NOTHING;
  END IF;
  PERFORM 1
  FROM link_stats s
  WHERE s.link_id IN (SELECT unnest(p_links))
  ORDER BY s.link_id
  FOR UPDATE OF s;
END $$;

-- Applies one statement's click deltas: counters first, then (fresh snapshot, step 2) the values derived from them.
-- Only the (link, dimension) pairs whose counts changed get their top value recomputed.
CREATE FUNCTION link_stats_apply_clicks(p_links link_stats_click_delta[], p_dims link_stats_dim_delta[],
                                        p_ensure boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p_links) = 0 THEN
    RETURN;
  END IF;
  PERFORM link_stats_lock(ARRAY(SELECT d.link_id FROM unnest(p_links) d), p_ensure);

  -- Counters: empty, then change, then create. A joined UPDATE of the existing keys costs far less per key than
  -- INSERT ... ON CONFLICT DO UPDATE (which probes, locks, then updates each row); the ON CONFLICT below only
  -- backs up the creation of new keys.
  DELETE FROM link_dim_counts c USING unnest(p_dims) d
  WHERE d.delta < 0 AND c.link_id = d.link_id AND c.dim = d.dim AND c.value = d.value AND c.n + d.delta <= 0;
  UPDATE link_dim_counts c SET n = c.n + d.delta
  FROM unnest(p_dims) d
  WHERE c.link_id = d.link_id AND c.dim = d.dim AND c.value = d.value;
  INSERT INTO link_dim_counts AS c (link_id, dim, value, n)
  SELECT d.link_id, d.dim, d.value, d.delta
  FROM unnest(p_dims) d
  WHERE d.delta > 0
    AND NOT EXISTS (SELECT 1 FROM link_dim_counts e WHERE e.link_id = d.link_id AND e.dim = d.dim AND e.value = d.value)
  ON CONFLICT (link_id, dim, value) DO UPDATE SET n = c.n + excluded.n;

  -- Derived values, from a fresh snapshot. The tops of a link are read with one index range scan of its counters,
  -- restricted to the dimensions whose counts changed (mask bits 1 device, 2 os, 4 browser, 8 country).
  UPDATE link_stats s SET
    clicks = s.clicks + c.clicks,
    -- Removing clicks can remove the latest one: ask link_clicks_link_idx (link_id, clicked_at) for the new max.
    last_clicked_at = CASE WHEN c.removed
      THEN (SELECT max(k.clicked_at) FROM link_clicks k WHERE k.link_id = s.link_id)
      ELSE greatest(s.last_clicked_at, c.max_clicked_at) END,
    top_device = CASE WHEN c.mask & 1 = 0 THEN s.top_device ELSE t.top_device END,
    top_os = CASE WHEN c.mask & 2 = 0 THEN s.top_os ELSE t.top_os END,
    top_browser = CASE WHEN c.mask & 4 = 0 THEN s.top_browser ELSE t.top_browser END,
    top_country = CASE WHEN c.mask & 8 = 0 THEN s.top_country ELSE t.top_country END
  FROM (
    SELECT l.link_id, l.clicks, l.max_clicked_at, l.removed, coalesce(m.mask, 0) AS mask
    FROM unnest(p_links) l
    LEFT JOIN (
      SELECT d.link_id, bit_or(CASE d.dim WHEN 'device' THEN 1 WHEN 'os' THEN 2 WHEN 'browser' THEN 4 ELSE 8 END) AS mask
      FROM unnest(p_dims) d GROUP BY d.link_id
    ) m ON m.link_id = l.link_id
  ) c
  CROSS JOIN LATERAL (
    SELECT max(x.value) FILTER (WHERE x.dim = 'device') AS top_device,
           max(x.value) FILTER (WHERE x.dim = 'os') AS top_os,
           max(x.value) FILTER (WHERE x.dim = 'browser') AS top_browser,
           max(x.value) FILTER (WHERE x.dim = 'country') AS top_country
    FROM (
      SELECT DISTINCT ON (k.dim) k.dim, k.value
      FROM link_dim_counts k
      WHERE c.mask <> 0 AND k.link_id = c.link_id
        AND c.mask & CASE k.dim WHEN 'device' THEN 1 WHEN 'os' THEN 2 WHEN 'browser' THEN 4 ELSE 8 END <> 0
      ORDER BY k.dim, k.n DESC, k.value COLLATE "C"
    ) x
  ) t
  WHERE s.link_id = c.link_id;
END $$;

-- Applies one statement's install deltas. attributed_clicks moves by the number of match rows created minus the
-- number emptied, read against the state before this statement's changes (same snapshot as the changes).
CREATE FUNCTION link_stats_apply_installs(p_links link_stats_install_delta[], p_matches link_stats_match_delta[],
                                          p_ensure boolean) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  changed_links uuid[];
  changes bigint[];
BEGIN
  IF cardinality(p_links) = 0 THEN
    RETURN;
  END IF;
  PERFORM link_stats_lock(ARRAY(SELECT d.link_id FROM unnest(p_links) d), p_ensure);

  WITH d AS (SELECT * FROM unnest(p_matches)),
  cur AS (
    SELECT d.link_id, d.delta, m.n AS old_n
    FROM d LEFT JOIN link_click_matches m ON m.link_id = d.link_id AND m.click_id = d.click_id
  ),
  raised AS (
    INSERT INTO link_click_matches AS m (link_id, click_id, n)
    SELECT d.link_id, d.click_id, d.delta FROM d WHERE d.delta > 0
    ON CONFLICT (link_id, click_id) DO UPDATE SET n = m.n + excluded.n
  ),
  emptied AS (
    DELETE FROM link_click_matches m USING d
    WHERE d.delta < 0 AND m.link_id = d.link_id AND m.click_id = d.click_id AND m.n + d.delta <= 0
  ),
  lowered AS (
    UPDATE link_click_matches m SET n = m.n + d.delta
    FROM d
    WHERE d.delta < 0 AND m.link_id = d.link_id AND m.click_id = d.click_id AND m.n + d.delta > 0
  )
  SELECT coalesce(array_agg(x.link_id), '{}'), coalesce(array_agg(x.change), '{}')
  INTO changed_links, changes
  FROM (
    SELECT cur.link_id,
           sum(CASE WHEN cur.old_n IS NULL AND cur.delta > 0 THEN 1
                    WHEN cur.old_n IS NOT NULL AND cur.old_n + cur.delta <= 0 THEN -1
                    ELSE 0 END) AS change
    FROM cur GROUP BY cur.link_id
  ) x
  WHERE x.change <> 0;

  UPDATE link_stats s SET
    new_installs = s.new_installs + l.installs,
    returning_users = s.returning_users + l.reopens,
    attributed_clicks = s.attributed_clicks + coalesce(x.change, 0)
  FROM unnest(p_links) l
  LEFT JOIN unnest(changed_links, changes) AS x(link_id, change) ON x.link_id = l.link_id
  WHERE s.link_id = l.link_id;
END $$;

-- ---- link_clicks triggers: aggregate the transition table per link and per (link, dimension, value) ----------------

CREATE FUNCTION link_clicks_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_clicks(
    ARRAY(SELECT ROW(e.link_id, count(*), max(e.clicked_at), false)::link_stats_click_delta
          FROM new_rows e GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, v.dim, v.value, count(*))::link_stats_dim_delta
          FROM new_rows e
          CROSS JOIN LATERAL (VALUES ('device', e.device), ('os', e.os), ('browser', e.browser),
                                     ('country', e.country)) v(dim, value)
          WHERE v.value IS NOT NULL
          GROUP BY e.link_id, v.dim, v.value),
    true);
  RETURN NULL;
END $$;

CREATE FUNCTION link_clicks_stats_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_clicks(
    ARRAY(SELECT ROW(e.link_id, -count(*), NULL::timestamptz, true)::link_stats_click_delta
          FROM old_rows e GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, v.dim, v.value, -count(*))::link_stats_dim_delta
          FROM old_rows e
          CROSS JOIN LATERAL (VALUES ('device', e.device), ('os', e.os), ('browser', e.browser),
                                     ('country', e.country)) v(dim, value)
          WHERE v.value IS NOT NULL
          GROUP BY e.link_id, v.dim, v.value),
    false);
  RETURN NULL;
END $$;

-- An UPDATE is the old rows leaving and the new rows arriving; keys whose net change is 0 are dropped.
CREATE FUNCTION link_clicks_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_clicks(
    ARRAY(SELECT ROW(e.link_id, sum(e.sign), max(e.clicked_at) FILTER (WHERE e.sign > 0),
                     bool_or(e.sign < 0))::link_stats_click_delta
          FROM (SELECT n.link_id, n.clicked_at, 1 AS sign FROM new_rows n
                UNION ALL SELECT o.link_id, o.clicked_at, -1 FROM old_rows o) e
          GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, v.dim, v.value, sum(e.sign))::link_stats_dim_delta
          FROM (SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 FROM old_rows o) e
          CROSS JOIN LATERAL (VALUES ('device', e.device), ('os', e.os), ('browser', e.browser),
                                     ('country', e.country)) v(dim, value)
          WHERE v.value IS NOT NULL
          GROUP BY e.link_id, v.dim, v.value
          HAVING sum(e.sign) <> 0),
    true);
  RETURN NULL;
END $$;

-- TRUNCATE holds an ACCESS EXCLUSIVE lock on the table, so no event writer runs concurrently: zero everything.
CREATE FUNCTION link_clicks_stats_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM link_dim_counts;
  UPDATE link_stats SET clicks = 0, last_clicked_at = NULL,
                        top_device = NULL, top_os = NULL, top_browser = NULL, top_country = NULL
  WHERE clicks <> 0 OR last_clicked_at IS NOT NULL OR top_device IS NOT NULL OR top_os IS NOT NULL
     OR top_browser IS NOT NULL OR top_country IS NOT NULL;
  RETURN NULL;
END $$;

CREATE TRIGGER link_clicks_stats_insert AFTER INSERT ON link_clicks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_stats_insert();
CREATE TRIGGER link_clicks_stats_delete AFTER DELETE ON link_clicks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_stats_delete();
CREATE TRIGGER link_clicks_stats_update AFTER UPDATE ON link_clicks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_stats_update();
CREATE TRIGGER link_clicks_stats_truncate AFTER TRUNCATE ON link_clicks
  FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_stats_truncate();

-- ---- link_installs triggers ------------------------------------------------------------------------------------------

CREATE FUNCTION link_installs_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_installs(
    ARRAY(SELECT ROW(e.link_id, count(*) FILTER (WHERE e.kind = 'install'),
                     count(*) FILTER (WHERE e.kind = 'reopen'))::link_stats_install_delta
          FROM new_rows e GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, e.click_id, count(*))::link_stats_match_delta
          FROM new_rows e WHERE e.click_id IS NOT NULL GROUP BY e.link_id, e.click_id),
    true);
  RETURN NULL;
END $$;

CREATE FUNCTION link_installs_stats_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_installs(
    ARRAY(SELECT ROW(e.link_id, -count(*) FILTER (WHERE e.kind = 'install'),
                     -count(*) FILTER (WHERE e.kind = 'reopen'))::link_stats_install_delta
          FROM old_rows e GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, e.click_id, -count(*))::link_stats_match_delta
          FROM old_rows e WHERE e.click_id IS NOT NULL GROUP BY e.link_id, e.click_id),
    false);
  RETURN NULL;
END $$;

-- Also reached by ON DELETE SET NULL when a click is deleted (click_id X -> NULL lowers the match (link, X)).
CREATE FUNCTION link_installs_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_installs(
    ARRAY(SELECT ROW(e.link_id, coalesce(sum(e.sign) FILTER (WHERE e.kind = 'install'), 0),
                     coalesce(sum(e.sign) FILTER (WHERE e.kind = 'reopen'), 0))::link_stats_install_delta
          FROM (SELECT n.link_id, n.kind, 1 AS sign FROM new_rows n
                UNION ALL SELECT o.link_id, o.kind, -1 FROM old_rows o) e
          GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, e.click_id, sum(e.sign))::link_stats_match_delta
          FROM (SELECT n.link_id, n.click_id, 1 AS sign FROM new_rows n
                UNION ALL SELECT o.link_id, o.click_id, -1 FROM old_rows o) e
          WHERE e.click_id IS NOT NULL
          GROUP BY e.link_id, e.click_id
          HAVING sum(e.sign) <> 0),
    true);
  RETURN NULL;
END $$;

CREATE FUNCTION link_installs_stats_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM link_click_matches;
  UPDATE link_stats SET new_installs = 0, returning_users = 0, attributed_clicks = 0
  WHERE new_installs <> 0 OR returning_users <> 0 OR attributed_clicks <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER link_installs_stats_insert AFTER INSERT ON link_installs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_stats_insert();
CREATE TRIGGER link_installs_stats_delete AFTER DELETE ON link_installs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_stats_delete();
CREATE TRIGGER link_installs_stats_update AFTER UPDATE ON link_installs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_stats_update();
CREATE TRIGGER link_installs_stats_truncate AFTER TRUNCATE ON link_installs
  FOR EACH STATEMENT EXECUTE FUNCTION link_installs_stats_truncate();

-- ---- links: one link_stats row per link, project_id kept equal to the link's ------------------------------------------

CREATE FUNCTION links_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO link_stats (link_id, project_id)
  SELECT n.id, n.project_id FROM new_rows n
  ON CONFLICT (link_id) DO NOTHING;
  RETURN NULL;
END $$;

CREATE FUNCTION links_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE link_stats s SET project_id = n.project_id
  FROM new_rows n
  WHERE s.link_id = n.id AND s.project_id <> n.project_id;
  RETURN NULL;
END $$;

CREATE TRIGGER links_stats_insert AFTER INSERT ON links
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION links_stats_insert();
CREATE TRIGGER links_stats_update AFTER UPDATE ON links
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION links_stats_update();

-- ---- rebuild: recompute helpers and link_stats from the raw events ----------------------------------------------------
-- Lives next to the triggers because it must change in lockstep with them. Locks the link_stats rows in scope in
-- link_id order first (same protocol as the triggers), so writers that commit before the lock are counted by the
-- recomputation and writers still waiting apply their deltas on top of it. Returns the number of links rebuilt.
-- p_project NULL rebuilds every project.
CREATE FUNCTION link_stats_rebuild(p_project uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  rebuilt bigint;
BEGIN
  INSERT INTO link_stats AS s (link_id, project_id)
  SELECT l.id, l.project_id FROM links l
  WHERE p_project IS NULL OR l.project_id = p_project
  ON CONFLICT (link_id) DO UPDATE SET project_id = excluded.project_id
  WHERE s.project_id <> excluded.project_id;

  PERFORM 1 FROM link_stats s JOIN links l ON l.id = s.link_id
  WHERE p_project IS NULL OR l.project_id = p_project
  ORDER BY s.link_id
  FOR UPDATE OF s;

  DELETE FROM link_dim_counts c USING links l
  WHERE l.id = c.link_id AND (p_project IS NULL OR l.project_id = p_project);
  INSERT INTO link_dim_counts (link_id, dim, value, n)
  SELECT k.link_id, v.dim, v.value, count(*)
  FROM link_clicks k
  JOIN links l ON l.id = k.link_id
  CROSS JOIN LATERAL (VALUES ('device', k.device), ('os', k.os), ('browser', k.browser),
                             ('country', k.country)) v(dim, value)
  WHERE v.value IS NOT NULL AND (p_project IS NULL OR l.project_id = p_project)
  GROUP BY k.link_id, v.dim, v.value;

  DELETE FROM link_click_matches m USING links l
  WHERE l.id = m.link_id AND (p_project IS NULL OR l.project_id = p_project);
  INSERT INTO link_click_matches (link_id, click_id, n)
  SELECT i.link_id, i.click_id, count(*)
  FROM link_installs i
  JOIN links l ON l.id = i.link_id
  WHERE i.click_id IS NOT NULL AND (p_project IS NULL OR l.project_id = p_project)
  GROUP BY i.link_id, i.click_id;

  UPDATE link_stats s SET
    clicks = coalesce(c.clicks, 0),
    last_clicked_at = c.last_clicked_at,
    new_installs = coalesce(i.installs, 0),
    returning_users = coalesce(i.reopens, 0),
    attributed_clicks = coalesce(m.attributed, 0),
    top_device = t.top_device,
    top_os = t.top_os,
    top_browser = t.top_browser,
    top_country = t.top_country
  FROM links l
  LEFT JOIN (
    SELECT k.link_id, count(*) AS clicks, max(k.clicked_at) AS last_clicked_at
    FROM link_clicks k JOIN links kl ON kl.id = k.link_id
    WHERE p_project IS NULL OR kl.project_id = p_project
    GROUP BY k.link_id
  ) c ON c.link_id = l.id
  LEFT JOIN (
    SELECT i.link_id, count(*) FILTER (WHERE i.kind = 'install') AS installs,
           count(*) FILTER (WHERE i.kind = 'reopen') AS reopens
    FROM link_installs i JOIN links il ON il.id = i.link_id
    WHERE p_project IS NULL OR il.project_id = p_project
    GROUP BY i.link_id
  ) i ON i.link_id = l.id
  LEFT JOIN (
    SELECT m.link_id, count(*) AS attributed
    FROM link_click_matches m JOIN links ml ON ml.id = m.link_id
    WHERE p_project IS NULL OR ml.project_id = p_project
    GROUP BY m.link_id
  ) m ON m.link_id = l.id
  LEFT JOIN (
    SELECT x.link_id,
           max(x.value) FILTER (WHERE x.dim = 'device') AS top_device,
           max(x.value) FILTER (WHERE x.dim = 'os') AS top_os,
           max(x.value) FILTER (WHERE x.dim = 'browser') AS top_browser,
           max(x.value) FILTER (WHERE x.dim = 'country') AS top_country
    FROM (
      SELECT DISTINCT ON (c.link_id, c.dim) c.link_id, c.dim, c.value
      FROM link_dim_counts c JOIN links cl ON cl.id = c.link_id
      WHERE p_project IS NULL OR cl.project_id = p_project
      ORDER BY c.link_id, c.dim, c.n DESC, c.value COLLATE "C"
    ) x
    GROUP BY x.link_id
  ) t ON t.link_id = l.id
  WHERE s.link_id = l.id AND (p_project IS NULL OR l.project_id = p_project);
  GET DIAGNOSTICS rebuilt = ROW_COUNT;
  RETURN rebuilt;
END $$;

-- Databases that already hold links and events when V2 arrives start exact.
SELECT link_stats_rebuild(NULL);
