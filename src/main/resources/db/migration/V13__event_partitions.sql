-- V13: the raw events (link_clicks, link_installs, link_leads, link_sales) partitioned by UTC month (issue 19), so a
-- window's edge reads one month's partition through its (link_id, time) index and an operator can archive old months.
--
-- Shape
--   * Each event table is PARTITION BY RANGE on its time (clicked_at, occurred_at), one partition per UTC month named
--     <table>_YYYY_MM, plus <table>_default for events of a month that has no partition yet (a backfill of old history,
--     a far-future timestamp). UTC months are unions of UTC days, so a day rollup (V12) never spans two partitions.
--   * The service creates the partitions ahead (event_partitions_ensure, run by every node at start and every few
--     hours; the advisory lock makes nodes take turns): the previous, current and next three months. A partition is
--     created as a plain table, filled with its month's rows from the default partition (a backfill that arrived
--     before it) and ATTACHed, which takes SHARE UPDATE EXCLUSIVE on the parent: inserts and reads go on meanwhile.
--   * The ids stay identity columns of the parent; a primary key of a partitioned table must contain the partition
--     key, so it is (id, time): ids are still unique (one sequence), and a lookup by id alone uses its prefix.
--   * The statement triggers of V2/V5/V6/V10/V12 are re-created on the partitioned parents, unchanged: a statement on
--     the parent passes all its rows in one transition table whatever partitions they are in, and an UPDATE that moves
--     a row to another month's partition is still an UPDATE to them (old and new row), so the rollups see what they
--     saw before. Writes must go through the parents: a statement on a partition itself fires no rollup trigger.
--
-- Foreign keys into partitioned event tables
--   Postgres cannot reference a partitioned table by a key that does not contain the partition key, so the three
--   references into event tables become triggers with the same meaning, named to fire before the rollup triggers of
--   the same event (alphabetical order), where the referential actions of the old keys ran:
--   * link_installs.click_id and link_leads.click_id -> link_clicks(id), ON DELETE SET NULL: an insert, or an update
--     that changes click_id, locks the clicks it names (FOR SHARE, id order: a concurrent DELETE of such a click
--     waits, or has committed and the lock finds no row) and fails with foreign_key_violation (23503) when one is
--     missing; deleting clicks sets the references to NULL (link_clicks_refs_*), as truncating them does.
--   * link_sales (lead_id, link_id) -> link_leads (id, link_id), ON UPDATE CASCADE, ON DELETE SET NULL (lead_id): the
--     same check (FOR SHARE, which also waits for a concurrent move of the lead to another link); a lead moved to
--     another link takes its sales with it; a deleted or truncated lead leaves its sales without a lead. Event ids are
--     immutable: an UPDATE that changes one fails.
--   The actions run as statements in the writer's transaction, so they are as exact as the old keys for READ COMMITTED
--   writers (every event writer of the service); a REPEATABLE READ transaction deleting a click does not see an
--   install committed after its snapshot, which the built-in keys would have refused with a serialization error.
--
-- Archived history (event_history_archive, the archive-events command)
--   Months before a given first of a month are DETACHed from all four tables (the tables stay, for the operator to
--   dump and drop), after their rows in the default partition were moved into month partitions. No trigger fires on a
--   detach: link_stats and link_day_stats keep the archived events' counts, so lifetime totals do not change. The
--   archived start is recorded in event_history.retained_from; from then on a metrics window must start at or after it
--   (its edges and Last Clicked At read raw events) and rebuild-stats refuses to run (it would recompute the rollups
--   from the retained events only).

CREATE TABLE event_history (
  id             boolean PRIMARY KEY DEFAULT true CHECK (id),
  retained_from  timestamptz -- NULL: no month was ever archived
);
INSERT INTO event_history DEFAULT VALUES;

-- The references into event tables go first; triggers replace them below.
ALTER TABLE link_installs DROP CONSTRAINT link_installs_click_id_fkey;
ALTER TABLE link_leads DROP CONSTRAINT link_leads_click_id_fkey;
ALTER TABLE link_sales DROP CONSTRAINT link_sales_lead_id_link_id_fkey;

-- The month partitions [p_from, p_to) of every event table, each created if missing (see Shape); the number created.
-- A table not partitioned yet (while this migration converts them one by one) is skipped.
CREATE FUNCTION event_partitions_ensure(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  m date;
  part text;
  lo timestamptz;
  hi timestamptz;
  created integer := 0;
BEGIN
  PERFORM set_config('lock_timeout', '5s', true); -- never queue the event writers behind a long wait
  PERFORM pg_advisory_xact_lock(hashtext('event_partitions'));
  FOR t IN SELECT * FROM (VALUES ('link_clicks', 'clicked_at'), ('link_installs', 'occurred_at'),
                                 ('link_leads', 'occurred_at'), ('link_sales', 'occurred_at')) v (tab, col)
           WHERE EXISTS (SELECT 1 FROM pg_partitioned_table p WHERE p.partrelid = to_regclass(v.tab)) LOOP
    m := date_trunc('month', p_from)::date;
    WHILE m < p_to LOOP
      part := t.tab || '_' || to_char(m, 'YYYY_MM');
      IF to_regclass(part) IS NULL THEN
        lo := m::timestamp AT TIME ZONE 'UTC';
        hi := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, t.tab);
        -- rows of the month already in the default partition move first (no trigger fires: nothing changes for the
        -- rollups); the lock keeps new ones out until the attach, which needs the default free of the month
        EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', t.tab || '_default');
        EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) '
                       'INSERT INTO %I SELECT * FROM moved', t.tab || '_default', t.col, t.col, part) USING lo, hi;
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', t.tab, part, lo, hi);
        created := created + 1;
      END IF;
      m := (m + interval '1 month')::date;
    END LOOP;
  END LOOP;
  RETURN created;
END $$;

-- The service's range: the previous month (a late event of last month), this month and the next three.
CREATE FUNCTION event_partitions_ensure() RETURNS integer
LANGUAGE sql AS $$
  SELECT event_partitions_ensure((date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date,
                                 (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '4 months')::date)
$$;

-- One-off: an event table becomes a partitioned table of the same columns, defaults, checks and triggers, with a
-- partition for every month its rows are in and for the service's range, and the rows copied in (before its triggers
-- exist again: the rollups already count them). Its indexes are created by the caller afterwards (faster on a full
-- table).
CREATE FUNCTION v13_partition(p_tab text, p_col text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  defs text[] := ARRAY(SELECT pg_get_triggerdef(g.oid) FROM pg_trigger g
                       WHERE g.tgrelid = p_tab::regclass AND NOT g.tgisinternal ORDER BY g.tgname);
  old_seq text := pg_get_serial_sequence(p_tab, 'id');
  seq_last bigint;
  seq_called boolean;
  m date;
  def text;
BEGIN
  EXECUTE format('SELECT last_value, is_called FROM %s', old_seq) INTO seq_last, seq_called;
  EXECUTE format('ALTER TABLE %I RENAME TO %I', p_tab, p_tab || '_v12');
  EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', old_seq, p_tab || '_v12_id_seq');
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY) '
                 'PARTITION BY RANGE (%I)', p_tab, p_tab || '_v12', p_col);
  EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (link_id) REFERENCES links (id) ON DELETE CASCADE', p_tab);
  EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', p_tab || '_default', p_tab);
  FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I AT TIME ZONE ''UTC'')::date FROM %I',
                          p_col, p_tab || '_v12') LOOP
    PERFORM event_partitions_ensure(m, (m + interval '1 month')::date);
  END LOOP;
  PERFORM event_partitions_ensure();
  EXECUTE format('INSERT INTO %I SELECT * FROM %I', p_tab, p_tab || '_v12');
  PERFORM setval(pg_get_serial_sequence(p_tab, 'id'), seq_last, seq_called);
  EXECUTE format('DROP TABLE %I', p_tab || '_v12');
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, %I)', p_tab, p_col);
  FOREACH def IN ARRAY defs LOOP
    EXECUTE def;
  END LOOP;
END $$;

SELECT v13_partition('link_clicks', 'clicked_at');
CREATE INDEX link_clicks_link_idx ON link_clicks (link_id, clicked_at);

SELECT v13_partition('link_installs', 'occurred_at');
CREATE INDEX link_installs_click_idx ON link_installs (click_id) WHERE click_id IS NOT NULL;
CREATE INDEX link_installs_link_time_idx ON link_installs (link_id, occurred_at);

SELECT v13_partition('link_leads', 'occurred_at');
CREATE INDEX link_leads_click_idx ON link_leads (click_id) WHERE click_id IS NOT NULL;
CREATE INDEX link_leads_link_idx ON link_leads (link_id);

SELECT v13_partition('link_sales', 'occurred_at');
CREATE INDEX link_sales_lead_idx ON link_sales (lead_id, link_id) WHERE lead_id IS NOT NULL;
CREATE INDEX link_sales_link_idx ON link_sales (link_id);

DROP FUNCTION v13_partition(text, text);

-- ---- the references, as triggers (see "Foreign keys into partitioned event tables") --------------------------------

CREATE FUNCTION event_ref_missing(p_table text, p_key text, p_value text, p_target text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'insert or update on table "%" violates foreign key "%_%_fkey"', p_table, p_table, p_key
    USING ERRCODE = 'foreign_key_violation',
          DETAIL = format('Key (%s)=(%s) is not present in table "%s".', p_key, p_value, p_target);
END $$;

-- Installs and leads: lock the clicks the statement's rows carry (FOR SHARE, id order: before any link_stats lock, as
-- V12's link_installs_click_lock did, whose place this takes) and fail when a new or changed reference finds none.
CREATE FUNCTION event_click_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  wanted bigint[];
  locked bigint[];
  missing bigint;
BEGIN
  IF TG_OP = 'INSERT' THEN
    wanted := ARRAY(SELECT DISTINCT n.click_id FROM new_rows n WHERE n.click_id IS NOT NULL);
  ELSE
    wanted := ARRAY(SELECT DISTINCT n.click_id FROM new_rows n
                    WHERE n.click_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM old_rows o WHERE o.id = n.id AND o.click_id = n.click_id));
  END IF;
  WITH l AS (SELECT c.id FROM link_clicks c
             WHERE c.id IN (SELECT n.click_id FROM new_rows n WHERE n.click_id IS NOT NULL)
             ORDER BY c.id FOR SHARE OF c)
  SELECT array_agg(l.id) INTO locked FROM l;
  SELECT k INTO missing FROM unnest(wanted) k WHERE k <> ALL (coalesce(locked, '{}')) LIMIT 1;
  IF missing IS NOT NULL THEN
    PERFORM event_ref_missing(TG_TABLE_NAME, 'click_id', missing::text, 'link_clicks');
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER link_installs_click_lock_insert ON link_installs;
DROP TRIGGER link_installs_click_lock_update ON link_installs;
DROP FUNCTION link_installs_click_lock();
CREATE TRIGGER link_installs_click_lock_insert AFTER INSERT ON link_installs
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_click_lock();
CREATE TRIGGER link_installs_click_lock_update AFTER UPDATE ON link_installs
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_click_lock();
CREATE TRIGGER link_leads_click_lock_insert AFTER INSERT ON link_leads
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_click_lock();
CREATE TRIGGER link_leads_click_lock_update AFTER UPDATE ON link_leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION event_click_lock();

-- Deleted or truncated clicks: the installs and leads that carried them carry none (their own triggers then lower the
-- attributed counts, as the old key's SET NULL did).
CREATE FUNCTION link_clicks_refs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE link_installs SET click_id = NULL WHERE click_id IS NOT NULL;
    UPDATE link_leads SET click_id = NULL WHERE click_id IS NOT NULL;
  ELSE
    UPDATE link_installs SET click_id = NULL WHERE click_id IN (SELECT o.id FROM old_rows o);
    UPDATE link_leads SET click_id = NULL WHERE click_id IN (SELECT o.id FROM old_rows o);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER link_clicks_refs_delete AFTER DELETE ON link_clicks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_refs();
CREATE TRIGGER link_clicks_refs_truncate AFTER TRUNCATE ON link_clicks
  FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_refs();

-- Sales: lock the leads the statement's rows name by (id, link_id), FOR SHARE in id order (which also waits for a
-- concurrent move of such a lead to another link), and fail when a new or changed reference finds none.
CREATE FUNCTION link_sales_lead_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  wanted text[];
  locked text[];
  missing text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    wanted := ARRAY(SELECT DISTINCT n.lead_id || ' ' || n.link_id FROM new_rows n WHERE n.lead_id IS NOT NULL);
  ELSE
    wanted := ARRAY(SELECT DISTINCT n.lead_id || ' ' || n.link_id FROM new_rows n
                    WHERE n.lead_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM old_rows o
                                      WHERE o.id = n.id AND o.lead_id = n.lead_id AND o.link_id = n.link_id));
  END IF;
  WITH l AS (SELECT d.id, d.link_id FROM link_leads d
             WHERE (d.id, d.link_id) IN (SELECT n.lead_id, n.link_id FROM new_rows n WHERE n.lead_id IS NOT NULL)
             ORDER BY d.id FOR SHARE OF d)
  SELECT array_agg(l.id || ' ' || l.link_id) INTO locked FROM l;
  SELECT k INTO missing FROM unnest(wanted) k WHERE k <> ALL (coalesce(locked, '{}')) LIMIT 1;
  IF missing IS NOT NULL THEN
    PERFORM event_ref_missing(TG_TABLE_NAME, 'lead_id, link_id', replace(missing, ' ', ', '), 'link_leads');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER link_sales_lead_lock_insert AFTER INSERT ON link_sales
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_lead_lock();
CREATE TRIGGER link_sales_lead_lock_update AFTER UPDATE ON link_sales
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_lead_lock();

-- Leads deleted or truncated: their sales keep their link and lose the lead; a lead moved to another link takes its
-- sales along (their own triggers move the sales counts, as the old key's cascade did).
CREATE FUNCTION link_leads_refs() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE link_sales SET lead_id = NULL WHERE lead_id IS NOT NULL;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE link_sales s SET lead_id = NULL FROM old_rows o WHERE s.lead_id = o.id AND s.link_id = o.link_id;
  ELSE
    IF EXISTS (SELECT 1 FROM old_rows o WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.id = o.id)) THEN
      RAISE EXCEPTION 'the id of a lead cannot change' USING ERRCODE = 'foreign_key_violation';
    END IF;
    UPDATE link_sales s SET link_id = n.link_id
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE s.lead_id = o.id AND s.link_id = o.link_id AND n.link_id <> o.link_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER link_leads_refs_delete AFTER DELETE ON link_leads
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_leads_refs();
CREATE TRIGGER link_leads_refs_update AFTER UPDATE ON link_leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_leads_refs();
CREATE TRIGGER link_leads_refs_truncate AFTER TRUNCATE ON link_leads
  FOR EACH STATEMENT EXECUTE FUNCTION link_leads_refs();

-- ---- archived history (see "Archived history") ---------------------------------------------------------------------

-- Detaches the months before p_before (a first of a month, at most this month's) from every event table; the number
-- of partitions detached. Rows of those months still in a default partition move into month partitions first.
CREATE FUNCTION event_history_archive(p_before date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  oldest date;
  r record;
  detached integer := 0;
BEGIN
  IF p_before IS NULL OR p_before <> date_trunc('month', p_before)::date THEN
    RAISE EXCEPTION 'archive before the first day of a month, not %', p_before USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_before > date_trunc('month', now() AT TIME ZONE 'UTC')::date THEN
    RAISE EXCEPTION 'only months before this one can be archived, not before %', p_before
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT date_trunc('month', min(x.t) AT TIME ZONE 'UTC')::date INTO oldest
  FROM (SELECT min(clicked_at) FROM link_clicks_default UNION ALL SELECT min(occurred_at) FROM link_installs_default
        UNION ALL SELECT min(occurred_at) FROM link_leads_default
        UNION ALL SELECT min(occurred_at) FROM link_sales_default) x (t);
  IF oldest < p_before THEN
    PERFORM event_partitions_ensure(oldest, p_before);
  END IF;
  PERFORM set_config('lock_timeout', '10s', true);
  FOR r IN SELECT c.relname AS part, p.relname AS parent
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
           WHERE p.relname IN ('link_clicks', 'link_installs', 'link_leads', 'link_sales')
             AND c.relname ~ '_[0-9]{4}_[0-9]{2}$' AND to_date(right(c.relname, 7), 'YYYY_MM') < p_before
           ORDER BY c.relname LOOP
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', r.parent, r.part);
    detached := detached + 1;
  END LOOP;
  UPDATE event_history
  SET retained_from = greatest(coalesce(retained_from, '-infinity'), p_before::timestamp AT TIME ZONE 'UTC');
  RETURN detached;
END $$;

ANALYZE link_clicks;
ANALYZE link_installs;
ANALYZE link_leads;
ANALYZE link_sales;
