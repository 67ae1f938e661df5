-- V12: analytics for a period (issue 19): per-link, per-UTC-day rollups, kept by the database in the same transaction
-- as the events, and link_window_stats(project, from, to), the exact analytics of every link of a project over the
-- half-open window [from, to) (either end may be NULL: open).
--
-- Shape
--   * link_day_stats (link, UTC day): clicks, new_installs, returning_users, attributed_clicks and the per-dimension
--     click counters (dim_counts, the same map as link_stats.dim_counts, V5) of the events of that day. Clicks and
--     their dimensions count on the click's day, installs and reopens on the install's day, an attributed click on the
--     day of the click (a click of day D is attributed while an install or reopen of the link carries it, as
--     link_stats.attributed_clicks counts it for all time).
--   * link_click_matches.clicked_at: the time of the matched click, so a match row (V2: one per attributed click)
--     knows its day, and a window's edge counts the attributed clicks in a part of a day through an index.
--   * Statement-level AFTER triggers with transition tables aggregate a statement's events per (link, day) and upsert
--     the deltas (link_day_apply). They are named link_*_window_* so that they fire after the link_*_stats_* triggers
--     of V2/V5/V6 (same event: alphabetical order), i.e. after those took the link_stats row locks of the statement's
--     links, in link order: a writer of a link's own events holds that link's link_stats lock before it touches its
--     day rows (lock order: step 3).
--
-- Why the day rows stay exact under concurrent READ COMMITTED writers (the proof)
--   1. Every change is additive: a statement's delta (new events counted +1, removed events -1, an UPDATE as both)
--      is added to the row's current value by INSERT ... ON CONFLICT DO UPDATE SET x = row.x + delta (or, on delete
--      paths, UPDATE SET x = x + delta). Both apply to the latest committed version of the row, under its row lock
--      (ON CONFLICT locks the existing row; READ COMMITTED UPDATE re-evaluates SET on the newest version), so no
--      concurrent delta is lost or applied twice; the dimension maps are added key by key (link_dims_add), which is
--      the same additive operation per key. A rolled-back writer rolls back its delta with its events.
--   2. A delete path only updates rows, never inserts (a link being deleted must not get a day row back; its day rows
--      go by the foreign key). The rows it needs exist: the events it removes were visible to it, hence committed,
--      and the transaction that committed them committed their day rows with them; the trigger's UPDATE runs in a
--      later snapshot than the DELETE's, so it sees them.
--   3. The matched click's time (link_click_matches.clicked_at) is read when the match row is created, after the
--      install statement has locked its clicks FOR SHARE (link_installs_click_lock, in click id order, before any
--      link_stats lock): a concurrent UPDATE of that click's clicked_at waits for the match to commit (and then
--      moves it) or commits first (and the match reads its new time). An UPDATE of clicked_at moves every match of
--      the click to the new time, whose trigger moves the attributed count from the old day to the new one.
--      Deadlocks: the lock order is click rows, then link_stats rows (V2), then day rows, for every writer of a
--      link's own events. One case writes another link's day rows without its link_stats lock: a click moved in
--      time whose installs belong to another link (the move follows the matches); two such moves crossing between
--      the same two links at once can deadlock, and one of them is retried, as V2 allows for multi-row writers.
--   4. So after any interleaving of committed writers, every day row = f(the raw events of that link and day).
--   A day row whose counters all return to zero is left in place (harmless: it adds zero; rebuild-stats removes it).
--
-- The window (link_window_stats): [from, to) is cut into the whole UTC days inside it, read from link_day_stats, and
-- at most two edges shorter than a day ([from, first midnight) and [last midnight, to)), aggregated from the raw
-- events through the (link_id, time) indexes. A window inside one day is all edge. Exactness: the whole days and the
-- edges are disjoint and cover [from, to) exactly; each day row is exact (above) and each edge is a plain count of
-- the raw events in it, all read in the caller's one snapshot; counts add, and the dimension maps add key by key,
-- so every window number equals the aggregation of the raw events in the window. The top value per dimension is
-- chosen from the summed map with link_stats' rule (highest count, ties by the value in byte order). Last Clicked At
-- is the last click in the window, one backward probe of link_clicks_link_idx (link_id, clicked_at) per link with
-- clicks in the window. Leads, conversions, sales and sale amount stay lifetime totals (README, "Analytics for a
-- period").

ALTER TABLE link_click_matches ADD COLUMN clicked_at timestamptz;
UPDATE link_click_matches m SET clicked_at = c.clicked_at FROM link_clicks c WHERE c.id = m.click_id;
CREATE INDEX link_click_matches_click_idx ON link_click_matches (click_id);
CREATE INDEX link_click_matches_time_idx ON link_click_matches (link_id, clicked_at);
-- The installs of a link in a part of a day; it replaces the index on link_id alone, which it covers.
CREATE INDEX link_installs_link_time_idx ON link_installs (link_id, occurred_at);
DROP INDEX link_installs_link_idx;

CREATE TABLE link_day_stats (
  link_id            uuid NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  day                date NOT NULL, -- the UTC day of the events
  clicks             bigint NOT NULL DEFAULT 0,
  new_installs       bigint NOT NULL DEFAULT 0,
  returning_users    bigint NOT NULL DEFAULT 0,
  attributed_clicks  bigint NOT NULL DEFAULT 0,
  dim_counts         jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (link_id, day)
) WITH (fillfactor = 90); -- no counter is indexed: updates of today's row stay HOT while the page has room

-- The sum of two counter maps, key by key; keys whose sum is not positive are dropped (as in link_stats.dim_counts).
-- Adding only positive counts (new clicks, the common case) merges the changed keys into a with || instead of
-- rebuilding the whole map.
CREATE FUNCTION link_dims_add(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN b = '{}'::jsonb THEN a
    WHEN NOT jsonb_path_exists(b, '$.* ? (@ <= 0)') THEN
      CASE WHEN a = '{}'::jsonb THEN b ELSE a || (
        SELECT jsonb_object_agg(e.key, coalesce((a ->> e.key)::bigint, 0) + e.value::bigint)
        FROM jsonb_each_text(b) e) END
    ELSE (
      SELECT coalesce(jsonb_object_agg(x.k, x.n), '{}'::jsonb)
      FROM (SELECT u.k, sum(u.n) AS n
            FROM (SELECT e.key AS k, e.value::bigint AS n FROM jsonb_each_text(a) e
                  UNION ALL
                  SELECT e.key, e.value::bigint FROM jsonb_each_text(b) e) u
            GROUP BY u.k
            HAVING sum(u.n) > 0) x) END
$$;

-- One statement's change of one (link, day).
CREATE TYPE link_day_delta AS (link_id uuid, day date, clicks bigint, installs bigint, reopens bigint,
                               attributed bigint, dims jsonb);

-- Adds the deltas (step 1 of the proof), in (link, day) order so that two statements lock day rows in the same order.
-- p_insert false (delete paths): existing rows only (step 2).
CREATE FUNCTION link_day_apply(p link_day_delta[], p_insert boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p) = 0 THEN
    RETURN;
  END IF;
  IF p_insert THEN
    INSERT INTO link_day_stats AS t (link_id, day, clicks, new_installs, returning_users, attributed_clicks,
                                     dim_counts)
    SELECT d.link_id, d.day, d.clicks, d.installs, d.reopens, d.attributed, d.dims
    FROM unnest(p) d
    ORDER BY d.link_id, d.day
    ON CONFLICT (link_id, day) DO UPDATE SET
      clicks = t.clicks + excluded.clicks,
      new_installs = t.new_installs + excluded.new_installs,
      returning_users = t.returning_users + excluded.returning_users,
      attributed_clicks = t.attributed_clicks + excluded.attributed_clicks,
      dim_counts = link_dims_add(t.dim_counts, excluded.dim_counts);
  ELSE
    UPDATE link_day_stats t SET
      clicks = t.clicks + d.clicks,
      new_installs = t.new_installs + d.installs,
      returning_users = t.returning_users + d.reopens,
      attributed_clicks = t.attributed_clicks + d.attributed,
      dim_counts = link_dims_add(t.dim_counts, d.dims)
    FROM unnest(p) d
    WHERE t.link_id = d.link_id AND t.day = d.day;
  END IF;
END $$;

-- The UTC day of an instant.
CREATE FUNCTION link_utc_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (t AT TIME ZONE 'UTC')::date $$;

-- ---- the triggers: each aggregates its events, signed (+1 new, -1 old), per (link, UTC day) -------------------------
-- An UPDATE is its old rows removed and its new rows added; deltas that cancel out are dropped. The events travel to
-- the aggregation as one array (transition tables are visible only in the trigger function itself).

CREATE TYPE link_click_ev AS (link_id uuid, day date, device text, os text, browser text, country text,
                              sign bigint); -- sign: the signed number of such events
CREATE TYPE link_install_ev AS (link_id uuid, day date, kind text, sign int);
CREATE TYPE link_match_ev AS (link_id uuid, day date, sign int);

CREATE FUNCTION link_clicks_day_deltas(p link_click_ev[]) RETURNS link_day_delta[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(ROW(c.link_id, c.day, c.n, 0, 0, 0, coalesce(m.dims, '{}'::jsonb))::link_day_delta
                            ORDER BY c.link_id, c.day), '{}')
  FROM (SELECT e.link_id, e.day, sum(e.sign) AS n FROM unnest(p) e GROUP BY 1, 2) c
  LEFT JOIN (SELECT y.link_id, y.day, jsonb_object_agg(y.k, y.n) AS dims
             FROM (SELECT e.link_id, e.day, v.k, sum(e.sign) AS n
                   FROM unnest(p) e
                   CROSS JOIN LATERAL (VALUES ('d:' || e.device), ('o:' || e.os), ('b:' || e.browser),
                                              ('c:' || e.country)) v(k)
                   WHERE v.k IS NOT NULL
                   GROUP BY 1, 2, 3
                   HAVING sum(e.sign) <> 0) y
             GROUP BY 1, 2) m ON m.link_id = c.link_id AND m.day = c.day
  WHERE c.n <> 0 OR m.dims IS NOT NULL
$$;

CREATE FUNCTION link_installs_day_deltas(p link_install_ev[]) RETURNS link_day_delta[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(ROW(x.link_id, x.day, 0, x.installs, x.reopens, 0, '{}'::jsonb)::link_day_delta
                            ORDER BY x.link_id, x.day), '{}')
  FROM (SELECT e.link_id, e.day, coalesce(sum(e.sign) FILTER (WHERE e.kind = 'install'), 0) AS installs,
               coalesce(sum(e.sign) FILTER (WHERE e.kind = 'reopen'), 0) AS reopens
        FROM unnest(p) e GROUP BY 1, 2) x
  WHERE x.installs <> 0 OR x.reopens <> 0
$$;

CREATE FUNCTION link_matches_day_deltas(p link_match_ev[]) RETURNS link_day_delta[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(ROW(x.link_id, x.day, 0, 0, 0, x.n, '{}'::jsonb)::link_day_delta
                            ORDER BY x.link_id, x.day), '{}')
  FROM (SELECT e.link_id, e.day, sum(e.sign) AS n FROM unnest(p) e WHERE e.day IS NOT NULL GROUP BY 1, 2) x
  WHERE x.n <> 0
$$;

CREATE FUNCTION link_clicks_window() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ev link_click_ev[];
BEGIN
  -- Events of the same link, day and dimensions travel as one element with their count (a statement of live clicks
  -- has many per link and day), so the array and its aggregation are as small as the statement allows.
  IF TG_OP = 'INSERT' THEN
    ev := ARRAY(SELECT ROW(g.link_id, g.day, g.device, g.os, g.browser, g.country, g.n)
                FROM (SELECT e.link_id, link_utc_day(e.clicked_at) AS day, e.device, e.os, e.browser, e.country,
                             count(*) AS n
                      FROM new_rows e GROUP BY 1, 2, 3, 4, 5, 6) g);
  ELSIF TG_OP = 'DELETE' THEN
    ev := ARRAY(SELECT ROW(g.link_id, g.day, g.device, g.os, g.browser, g.country, -g.n)
                FROM (SELECT e.link_id, link_utc_day(e.clicked_at) AS day, e.device, e.os, e.browser, e.country,
                             count(*) AS n
                      FROM old_rows e GROUP BY 1, 2, 3, 4, 5, 6) g);
  ELSE
    ev := ARRAY(SELECT ROW(g.link_id, g.day, g.device, g.os, g.browser, g.country, g.n)
                FROM (SELECT u.link_id, u.day, u.device, u.os, u.browser, u.country, sum(u.sign) AS n
                      FROM (SELECT e.link_id, link_utc_day(e.clicked_at) AS day, e.device, e.os, e.browser,
                                   e.country, 1 AS sign FROM new_rows e
                            UNION ALL
                            SELECT e.link_id, link_utc_day(e.clicked_at), e.device, e.os, e.browser, e.country, -1
                            FROM old_rows e) u
                      GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(u.sign) <> 0) g);
    -- A click moved in time moves its matches (step 3): their trigger moves the attributed counts between days.
    UPDATE link_click_matches m SET clicked_at = n.clicked_at
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE m.click_id = n.id AND o.clicked_at IS DISTINCT FROM n.clicked_at;
  END IF;
  PERFORM link_day_apply(link_clicks_day_deltas(ev), TG_OP <> 'DELETE');
  RETURN NULL;
END $$;

CREATE FUNCTION link_installs_window() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ev link_install_ev[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    ev := ARRAY(SELECT ROW(e.link_id, link_utc_day(e.occurred_at), e.kind, 1) FROM new_rows e);
  ELSIF TG_OP = 'DELETE' THEN
    ev := ARRAY(SELECT ROW(e.link_id, link_utc_day(e.occurred_at), e.kind, -1) FROM old_rows e);
  ELSE
    ev := ARRAY(SELECT ROW(e.link_id, link_utc_day(e.occurred_at), e.kind, 1) FROM new_rows e
                UNION ALL
                SELECT ROW(e.link_id, link_utc_day(e.occurred_at), e.kind, -1) FROM old_rows e);
  END IF;
  PERFORM link_day_apply(link_installs_day_deltas(ev), TG_OP <> 'DELETE');
  RETURN NULL;
END $$;

-- A match row exists exactly while its click is attributed (V2), so the rows of a (link, day) are its attributed
-- clicks: +1 per new row, -1 per removed row, a move between days for a changed clicked_at (step 3).
CREATE FUNCTION link_matches_window() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  ev link_match_ev[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    ev := ARRAY(SELECT ROW(e.link_id, link_utc_day(e.clicked_at), 1) FROM new_rows e);
  ELSIF TG_OP = 'DELETE' THEN
    ev := ARRAY(SELECT ROW(e.link_id, link_utc_day(e.clicked_at), -1) FROM old_rows e);
  ELSE
    ev := ARRAY(SELECT ROW(e.link_id, link_utc_day(e.clicked_at), 1) FROM new_rows e
                UNION ALL
                SELECT ROW(e.link_id, link_utc_day(e.clicked_at), -1) FROM old_rows e);
  END IF;
  PERFORM link_day_apply(link_matches_day_deltas(ev), TG_OP <> 'DELETE');
  RETURN NULL;
END $$;

-- The matched click's time. An install statement has already locked its clicks (link_installs_click_lock, step 3).
CREATE FUNCTION link_click_matches_time() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.clicked_at IS NULL THEN
    SELECT c.clicked_at INTO NEW.clicked_at FROM link_clicks c WHERE c.id = NEW.click_id;
  END IF;
  RETURN NEW;
END $$;

-- Step 3's lock: the clicks an install statement carries, FOR SHARE in id order, before V2's trigger locks the
-- statement's link_stats rows (this trigger's name sorts before link_installs_stats_*, so it fires first). A click
-- UPDATE takes its click row, then its link's link_stats row: taking the click first here too keeps one lock order
-- (reading the click's time under the link_stats lock, after it, deadlocked against such an UPDATE).
CREATE FUNCTION link_installs_click_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM link_clicks c
  WHERE c.id IN (SELECT e.click_id FROM new_rows e WHERE e.click_id IS NOT NULL)
  ORDER BY c.id
  FOR SHARE OF c;
  RETURN NULL;
END $$;

-- TRUNCATE holds an ACCESS EXCLUSIVE lock on the table, so no event writer runs concurrently: zero its counters. The
-- matches of truncated installs are deleted by V2's truncate trigger, whose DELETE lowers the attributed counts.
CREATE FUNCTION link_clicks_window_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE link_day_stats SET clicks = 0, dim_counts = '{}' WHERE clicks <> 0 OR dim_counts <> '{}';
  RETURN NULL;
END $$;

CREATE FUNCTION link_installs_window_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE link_day_stats SET new_installs = 0, returning_users = 0 WHERE new_installs <> 0 OR returning_users <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER link_clicks_window_insert AFTER INSERT ON link_clicks
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_window();
CREATE TRIGGER link_clicks_window_delete AFTER DELETE ON link_clicks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_window();
CREATE TRIGGER link_clicks_window_update AFTER UPDATE ON link_clicks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_window();
CREATE TRIGGER link_clicks_window_truncate AFTER TRUNCATE ON link_clicks
  FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_window_truncate();

CREATE TRIGGER link_installs_window_insert AFTER INSERT ON link_installs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_window();
CREATE TRIGGER link_installs_window_delete AFTER DELETE ON link_installs
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_window();
CREATE TRIGGER link_installs_window_update AFTER UPDATE ON link_installs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_window();
CREATE TRIGGER link_installs_window_truncate AFTER TRUNCATE ON link_installs
  FOR EACH STATEMENT EXECUTE FUNCTION link_installs_window_truncate();

CREATE TRIGGER link_installs_click_lock_insert AFTER INSERT ON link_installs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_click_lock();
CREATE TRIGGER link_installs_click_lock_update AFTER UPDATE ON link_installs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_installs_click_lock();
CREATE TRIGGER link_click_matches_time BEFORE INSERT ON link_click_matches
  FOR EACH ROW EXECUTE FUNCTION link_click_matches_time();
CREATE TRIGGER link_matches_window_insert AFTER INSERT ON link_click_matches
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_matches_window();
CREATE TRIGGER link_matches_window_delete AFTER DELETE ON link_click_matches
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_matches_window();
CREATE TRIGGER link_matches_window_update AFTER UPDATE ON link_click_matches
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_matches_window();

-- ---- the window ---------------------------------------------------------------------------------------------------
-- [p_from, p_to) as whole UTC days [fd, td) plus raw edges [lo1, hi1) and [lo2, hi2) (empty when lo >= hi).
CREATE FUNCTION link_window_bounds(p_from timestamptz, p_to timestamptz,
                                   OUT fd date, OUT td date, OUT lo1 timestamptz, OUT hi1 timestamptz,
                                   OUT lo2 timestamptz, OUT hi2 timestamptz)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  f timestamptz := coalesce(p_from, '-infinity');
  t timestamptz := coalesce(p_to, 'infinity');
BEGIN
  fd := CASE WHEN p_from IS NULL THEN '-infinity'::date
             WHEN (p_from AT TIME ZONE 'UTC')::time = '00:00' THEN link_utc_day(p_from)
             ELSE link_utc_day(p_from) + 1 END;
  td := CASE WHEN p_to IS NULL THEN 'infinity'::date ELSE link_utc_day(p_to) END;
  IF fd < td THEN
    lo1 := f;
    hi1 := fd::timestamp AT TIME ZONE 'UTC';
    lo2 := td::timestamp AT TIME ZONE 'UTC';
    hi2 := t;
  ELSE -- no whole day inside: all of the window is one edge
    fd := 'infinity';
    td := '-infinity';
    lo1 := f;
    hi1 := t;
    lo2 := 'infinity';
    hi2 := 'infinity';
  END IF;
END $$;

-- A link's analytics, in link_stats' columns.
CREATE TYPE link_window_row AS (link_id uuid, project_id uuid, clicks bigint, new_installs bigint,
                                returning_users bigint, attributed_clicks bigint, top_device text, top_os text,
                                top_browser text, top_country text, last_clicked_at timestamptz, leads bigint,
                                conversions bigint, sales bigint, sale_amount bigint);

-- The links p_links with their analytics in [p_from, p_to), in link_stats' columns (so that the list and the export
-- read it in place of link_stats). See the head of this file for the exactness argument.
CREATE FUNCTION link_window_stats_of(p_links uuid[], p_from timestamptz, p_to timestamptz)
RETURNS SETOF link_window_row
-- sql, not plpgsql: plpgsql kept a plan for the session, and it was worse both ways (a page of 100 links 40-65 ms
-- with sql, 200-300 ms with plpgsql; the whole project 18 s against 24 s).
LANGUAGE sql STABLE AS $$
  WITH b AS MATERIALIZED (
    SELECT * FROM link_window_bounds(p_from, p_to)
  ), e AS MATERIALIZED (
    -- the edges shorter than a day, each a plain range, so that each is an index range scan per link (an OR of the
    -- two ranges made Postgres read every event of the link and filter)
    SELECT b.lo1 AS lo, b.hi1 AS hi FROM b WHERE b.lo1 < b.hi1
    UNION ALL
    SELECT b.lo2, b.hi2 FROM b WHERE b.lo2 < b.hi2
  ), p AS MATERIALIZED (
    SELECT s.link_id, s.project_id, s.leads, s.conversions, s.sales, s.sale_amount
    FROM link_stats s WHERE s.link_id = ANY (p_links)
  ), parts AS (
    SELECT d.link_id, d.clicks, d.new_installs, d.returning_users, d.attributed_clicks, d.dim_counts
    FROM b, p JOIN link_day_stats d ON d.link_id = p.link_id
    WHERE d.day >= b.fd AND d.day < b.td
    UNION ALL
    SELECT x.link_id, sum(x.n) FILTER (WHERE x.k IS NULL), 0, 0, 0,
           coalesce(jsonb_object_agg(x.k, x.n) FILTER (WHERE x.k IS NOT NULL), '{}'::jsonb)
    FROM (SELECT c.link_id, v.k, count(*) AS n
          FROM e, p JOIN link_clicks c ON c.link_id = p.link_id
          -- one row per click for its count (k NULL), one per dimension it has
          CROSS JOIN LATERAL (VALUES (NULL, true), ('d:' || c.device, false), ('o:' || c.os, false),
                                     ('b:' || c.browser, false), ('c:' || c.country, false)) v(k, total)
          WHERE c.clicked_at >= e.lo AND c.clicked_at < e.hi AND (v.total OR v.k IS NOT NULL)
          GROUP BY c.link_id, v.k) x
    GROUP BY x.link_id
    UNION ALL
    SELECT i.link_id, 0, count(*) FILTER (WHERE i.kind = 'install'), count(*) FILTER (WHERE i.kind = 'reopen'), 0,
           '{}'::jsonb
    FROM e, p JOIN link_installs i ON i.link_id = p.link_id
    WHERE i.occurred_at >= e.lo AND i.occurred_at < e.hi
    GROUP BY i.link_id
    UNION ALL
    SELECT m.link_id, 0, 0, 0, count(*), '{}'::jsonb
    FROM e, p JOIN link_click_matches m ON m.link_id = p.link_id
    WHERE m.clicked_at >= e.lo AND m.clicked_at < e.hi
    GROUP BY m.link_id
  ), sums AS (
    SELECT x.link_id, sum(x.clicks)::bigint AS clicks, sum(x.new_installs)::bigint AS new_installs,
           sum(x.returning_users)::bigint AS returning_users, sum(x.attributed_clicks)::bigint AS attributed_clicks
    FROM parts x GROUP BY x.link_id
  ), dims AS (
    SELECT x.link_id, e.key AS k, sum(e.value::bigint) AS n
    FROM parts x CROSS JOIN LATERAL jsonb_each_text(x.dim_counts) e
    GROUP BY x.link_id, e.key
    HAVING sum(e.value::bigint) > 0
  ), tops AS (
    SELECT t.link_id,
           max(t.v) FILTER (WHERE t.dim = 'd') AS top_device, max(t.v) FILTER (WHERE t.dim = 'o') AS top_os,
           max(t.v) FILTER (WHERE t.dim = 'b') AS top_browser, max(t.v) FILTER (WHERE t.dim = 'c') AS top_country
    FROM (SELECT DISTINCT ON (x.link_id, left(x.k, 1)) x.link_id, left(x.k, 1) AS dim, substr(x.k, 3) AS v
          FROM dims x
          ORDER BY x.link_id, left(x.k, 1), x.n DESC, substr(x.k, 3) COLLATE "C") t
    GROUP BY t.link_id
  )
  SELECT p.link_id, p.project_id, coalesce(w.clicks, 0), coalesce(w.new_installs, 0), coalesce(w.returning_users, 0),
         coalesce(w.attributed_clicks, 0), t.top_device, t.top_os, t.top_browser, t.top_country,
         CASE WHEN w.clicks > 0 THEN (
           SELECT max(k.clicked_at) FROM link_clicks k
           WHERE k.link_id = p.link_id AND k.clicked_at >= coalesce(p_from, '-infinity')
             AND k.clicked_at < coalesce(p_to, 'infinity')) END,
         p.leads, p.conversions, p.sales, p.sale_amount
  FROM p
  LEFT JOIN sums w ON w.link_id = p.link_id
  LEFT JOIN tops t ON t.link_id = p.link_id
$$;

-- Every link of the project: what an export and a list page sorted by an analytics number read (the sort needs every
-- link's number).
CREATE FUNCTION link_window_stats(p_project uuid, p_from timestamptz, p_to timestamptz)
RETURNS SETOF link_window_row
LANGUAGE sql STABLE AS $$
  SELECT * FROM link_window_stats_of(ARRAY(SELECT s.link_id FROM link_stats s WHERE s.project_id = p_project), p_from,
                                     p_to)
$$;

-- One link, for a list page in an order of the links' own columns (createdAt, name): joined LATERAL to the page's
-- links, so only the links of the page are aggregated. plpgsql, so that the planner cannot inline it into a join
-- over the whole project; ROWS 1 tells it one row comes back, COST that a call is dear (about half a millisecond), so
-- that it walks the page's index order and calls it for the page's links only, not for every link before a sort.
CREATE FUNCTION link_window_link(p_link uuid, p_from timestamptz, p_to timestamptz)
RETURNS SETOF link_window_row
LANGUAGE plpgsql STABLE ROWS 1 COST 100000 AS $$
BEGIN
  RETURN QUERY SELECT * FROM link_window_stats_of(ARRAY[p_link], p_from, p_to);
END $$;

-- ---- rebuild --------------------------------------------------------------------------------------------------------
-- Recomputes the matches' click times and the day rows of the scope from the raw events. Run by link_stats_rebuild
-- after V10's steps, under the link_stats locks they took (the lock protocol of V2): no event writer of the scope
-- runs meanwhile.
CREATE FUNCTION link_day_stats_rebuild(p_project uuid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  scope uuid[];
BEGIN
  -- The links rebuilt are the ones locked now (a link created since the first lock is locked here too): their event
  -- writers wait; a link created after this is left to its own triggers.
  scope := ARRAY(SELECT s.link_id FROM link_stats s JOIN links l ON l.id = s.link_id
                 WHERE p_project IS NULL OR l.project_id = p_project
                 ORDER BY s.link_id FOR UPDATE OF s);
  UPDATE link_click_matches m SET clicked_at = c.clicked_at
  FROM link_clicks c
  WHERE c.id = m.click_id AND m.link_id = ANY (scope) AND m.clicked_at IS DISTINCT FROM c.clicked_at;
  DELETE FROM link_day_stats d WHERE d.link_id = ANY (scope);
  -- ON CONFLICT: a click of another link moved in time writes this link's day rows without its lock (step 3); if it
  -- committed a row since the DELETE, this statement's snapshot already holds its events: the recomputed row wins.
  INSERT INTO link_day_stats AS t (link_id, day, clicks, new_installs, returning_users, attributed_clicks,
                                   dim_counts)
  SELECT u.link_id, u.day, sum(u.clicks), sum(u.installs), sum(u.reopens), sum(u.attributed),
         coalesce(jsonb_object_agg(u.k, u.n) FILTER (WHERE u.k IS NOT NULL), '{}'::jsonb)
  FROM (
    SELECT k.link_id, link_utc_day(k.clicked_at) AS day, count(*) AS clicks, 0 AS installs, 0 AS reopens,
           0 AS attributed, NULL::text AS k, NULL::bigint AS n
    FROM link_clicks k WHERE k.link_id = ANY (scope)
    GROUP BY 1, 2
    UNION ALL
    SELECT k.link_id, link_utc_day(k.clicked_at), 0, 0, 0, 0, v.k, count(*)
    FROM link_clicks k
    CROSS JOIN LATERAL (VALUES ('d:' || k.device), ('o:' || k.os), ('b:' || k.browser), ('c:' || k.country)) v(k)
    WHERE v.k IS NOT NULL AND k.link_id = ANY (scope)
    GROUP BY 1, 2, 7
    UNION ALL
    SELECT i.link_id, link_utc_day(i.occurred_at), 0, count(*) FILTER (WHERE i.kind = 'install'),
           count(*) FILTER (WHERE i.kind = 'reopen'), 0, NULL, NULL
    FROM link_installs i WHERE i.link_id = ANY (scope)
    GROUP BY 1, 2
    UNION ALL
    SELECT m.link_id, link_utc_day(m.clicked_at), 0, 0, 0, count(*), NULL, NULL
    FROM link_click_matches m WHERE m.clicked_at IS NOT NULL AND m.link_id = ANY (scope)
    GROUP BY 1, 2
  ) u
  GROUP BY u.link_id, u.day
  ON CONFLICT (link_id, day) DO UPDATE SET
    clicks = excluded.clicks, new_installs = excluded.new_installs, returning_users = excluded.returning_users,
    attributed_clicks = excluded.attributed_clicks, dim_counts = excluded.dim_counts;
END $$;

CREATE OR REPLACE FUNCTION link_stats_rebuild(p_project uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  rebuilt bigint;
BEGIN
  rebuilt := link_stats_rebuild_clicks(p_project); -- creates missing rows, locks the scope in link order
  PERFORM link_stats_rebuild_conversions(p_project);
  PERFORM link_day_stats_rebuild(p_project);
  RETURN rebuilt;
END $$;

-- The day rows of the events that exist now.
SELECT link_day_stats_rebuild(NULL);
