-- V13: the raw events (link_clicks, link_installs, link_leads, link_sales) partitioned by UTC month (issue 19), so a
-- window's edge reads one month's partition through its (link_id, time) index and an operator can archive old months.
--
-- Shape
--   * Each event table is PARTITION BY RANGE on its time (clicked_at, occurred_at), one partition per UTC month named
--     <table>_YYYY_MM, plus <table>_default for events of a month that has no partition yet (a backfill of old history,
--     a far-future timestamp). UTC months are unions of UTC days, so a day rollup (V12) never spans two partitions.
--   * The service creates the partitions ahead (event_partitions_ensure, run by every node at start and every 6 hours;
--     the advisory lock makes nodes take turns): the previous, current and next three months. A partition is created
--     as a plain table, filled with its month's rows from the default partition (a backfill that arrived before it)
--     and ATTACHed, which takes SHARE UPDATE EXCLUSIVE on the parent (inserts and reads go on), ACCESS EXCLUSIVE on
--     the default partition (normally empty: held for milliseconds) and, to clone the link_id key, SHARE ROW EXCLUSIVE
--     on links (link writers wait for the attach, at most lock_timeout = 5 s to get it, once per month and table).
--   * Ids are GENERATED ALWAYS identities of the parents (one sequence per table, so unique); a primary key of a
--     partitioned table must contain the partition key, so it is (id, time), whose prefix serves lookups by id. An id
--     cannot change (event_id_immutable), since references name it.
--   * The statement triggers of V2/V5/V6/V10/V12 are re-created on the partitioned parents, unchanged: a statement on
--     the parent passes all its rows in one transition table whatever partitions they are in, and an UPDATE that moves
--     a row to another month's partition is still an UPDATE to them (old and new row), so the rollups see what they
--     saw before. Writes must go through the parents: a statement on a partition itself fires no rollup trigger.
--   * One difference in concurrency, Postgres' own: an UPDATE or DELETE of an event row, or a lock of it, that waited
--     for a concurrent UPDATE moving that row to another month's partition fails with serialization_failure (40001)
--     instead of going on with the new row, even in READ COMMITTED. The triggers below retry their own locks and
--     updates in that case (a fresh statement finds the moved row); a writer's own statement gets the 40001 and is
--     retried by the writer, as a deadlock is (V2). The retry is a PL/pgSQL exception block, a subtransaction: a
--     statement writing installs, leads or sales that carry references uses one, and a transaction with more than 64
--     of them overflows Postgres' per-backend subtransaction cache (other backends' snapshots are slower while it is
--     open): write many such events in few statements (the seed and any bulk load do).
--
-- Foreign keys into partitioned event tables
--   Postgres cannot reference a partitioned table by a key that does not contain the partition key, so the three
--   references into event tables become triggers with the same meaning, named to fire before the rollup triggers of
--   the same event (alphabetical order), where the referential actions of the old keys ran:
--   * link_installs.click_id and link_leads.click_id -> link_clicks(id), ON DELETE SET NULL: an insert, or an update
--     that changes click_id (or an install's link_id: V12 step 3 reads the click's time for the new match), locks the
--     clicks it names (FOR SHARE, id order: a concurrent DELETE of such a click waits, or has committed and the lock
--     finds no row) and fails with foreign_key_violation (23503) when one is missing; an update that changes neither
--     locks nothing, as the key did not. Deleting clicks sets the references to NULL (link_clicks_refs_*).
--   * link_sales (lead_id, link_id) -> link_leads (id, link_id), ON UPDATE CASCADE, ON DELETE SET NULL (lead_id): the
--     same check for a new or changed reference (FOR SHARE, which also waits for a concurrent move of the lead to
--     another link); a lead moved to another link takes its sales with it; a deleted lead leaves its sales without one.
--   * TRUNCATE differs: the keys refused a TRUNCATE of link_clicks or link_leads alone (CASCADE emptied the tables
--     referencing them); now it empties that table and clears the references to it (installs and leads keep their
--     rows without a click, sales without a lead), as deleting every row would.
--   The actions run as statements in the writer's transaction, so they are as exact as the old keys for READ COMMITTED
--   writers (every event writer of the service); a REPEATABLE READ transaction deleting a click does not see an
--   install committed after its snapshot, which the built-in keys would have refused with a serialization error.
--
-- Archived history (event_history_archive, the archive-events command)
--   Months before a given first of a month (at most the previous month's, so never one the service keeps ahead) are
--   DETACHed from all four tables (the tables stay, with their link_id keys, for the operator to dump and drop), after
--   the rows of those months in the default partitions were moved into month partitions. No trigger fires on a detach:
--   link_stats and link_day_stats keep the archived events' counts, so lifetime totals do not change. The start of the
--   kept history is recorded in event_history.retained_from; from then on a metrics window must start at or after it
--   (its edges and Last Clicked At read raw events: link_window_start refuses others with SQLSTATE LX400, which the
--   service answers as a 400 naming metricsFrom) and link_stats_rebuild refuses to run (it would recompute the rollups
--   from the kept events only). One lifetime number can still move: deleting a link's most recent clicks recomputes
--   its Last Clicked At from the kept clicks (V5), which no longer see the archived ones.

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
-- A table not partitioned yet (while this migration converts them one by one) is skipped. A table of a month's name
-- that is not that month's partition (an archived month) is an error: its rows would stay in the default partition.
CREATE FUNCTION event_partitions_ensure(p_from date, p_to date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  t record;
  m date;
  part text;
  lo timestamptz;
  hi timestamptz;
  created integer := 0;
  caller_timeout text := current_setting('lock_timeout');
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
      ELSIF NOT EXISTS (SELECT 1 FROM pg_inherits i
                        WHERE i.inhrelid = to_regclass(part) AND i.inhparent = to_regclass(t.tab)) THEN
        RAISE EXCEPTION 'table % exists but is not a partition of % (an archived month?): rename or drop it', part,
          t.tab USING ERRCODE = 'duplicate_table';
      END IF;
      m := (m + interval '1 month')::date;
    END LOOP;
  END LOOP;
  PERFORM set_config('lock_timeout', caller_timeout, true);
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
-- exist again: the rollups already count them; and before its link_id key, validated once afterwards). Its indexes
-- are created by the caller afterwards (faster on a full table).
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
  EXECUTE format('ALTER TABLE %I ALTER COLUMN id SET GENERATED ALWAYS', p_tab);
  EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', p_tab || '_default', p_tab);
  FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I AT TIME ZONE ''UTC'')::date FROM %I'
                          ' WHERE isfinite(%I)', p_col, p_tab || '_v12', p_col) LOOP
    PERFORM event_partitions_ensure(m, (m + interval '1 month')::date);
  END LOOP;
  PERFORM event_partitions_ensure();
  EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', p_tab, p_tab || '_v12');
  PERFORM setval(pg_get_serial_sequence(p_tab, 'id'), seq_last, seq_called);
  EXECUTE format('DROP TABLE %I', p_tab || '_v12');
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id, %I)', p_tab, p_col);
  EXECUTE format('ALTER TABLE %I ADD FOREIGN KEY (link_id) REFERENCES links (id) ON DELETE CASCADE', p_tab);
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
  RAISE EXCEPTION 'insert or update on table "%" violates foreign key "%_%_fkey"', p_table, p_table,
    replace(p_key, ', ', '_')
    USING ERRCODE = 'foreign_key_violation',
          DETAIL = format('Key (%s)=(%s) is not present in table "%s".', p_key, p_value, p_target);
END $$;

-- Locks the rows a reference check names ($1: the wanted keys, "id" or "id link"; the query answers the keys it
-- locked) and fails when a wanted key found none. A lock that waited for a move of its row to another month fails
-- with 40001 (see Shape); a new statement (a new snapshot in READ COMMITTED) finds the moved row, so it is tried again.
CREATE FUNCTION event_refs_lock(p_lock_sql text, p_wanted text[], p_table text, p_key text, p_target text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  locked text[];
  missing text;
BEGIN
  IF cardinality(p_wanted) = 0 THEN
    RETURN;
  END IF;
  FOR attempt IN 1..5 LOOP
    BEGIN
      EXECUTE p_lock_sql INTO locked USING p_wanted;
      EXIT;
    EXCEPTION WHEN serialization_failure THEN
      IF attempt = 5 OR current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE; -- a snapshot kept for the transaction would fail the same way again
      END IF;
    END;
  END LOOP;
  SELECT k INTO missing FROM unnest(p_wanted) k WHERE k <> ALL (coalesce(locked, '{}')) LIMIT 1;
  IF missing IS NOT NULL THEN
    PERFORM event_ref_missing(p_table, p_key, replace(missing, ' ', ', '), p_target);
  END IF;
END $$;

-- Event ids are named by references and match rows: they never change.
CREATE FUNCTION event_id_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the id of a row of % cannot change (% -> %)', TG_TABLE_NAME, OLD.id, NEW.id
    USING ERRCODE = 'foreign_key_violation';
END $$;

CREATE TRIGGER link_clicks_id_immutable BEFORE UPDATE OF id ON link_clicks
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION event_id_immutable();
CREATE TRIGGER link_installs_id_immutable BEFORE UPDATE OF id ON link_installs
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION event_id_immutable();
CREATE TRIGGER link_leads_id_immutable BEFORE UPDATE OF id ON link_leads
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION event_id_immutable();
CREATE TRIGGER link_sales_id_immutable BEFORE UPDATE OF id ON link_sales
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION event_id_immutable();

-- Installs and leads: lock the clicks that the statement's new or changed rows carry (FOR SHARE, id order: before any
-- link_stats lock, as V12's link_installs_click_lock did, whose place this takes) and fail when a new or changed
-- reference finds none (event_refs_lock).
CREATE FUNCTION event_click_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  wanted text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    wanted := ARRAY(SELECT DISTINCT n.click_id::text FROM new_rows n WHERE n.click_id IS NOT NULL);
  ELSE
    wanted := ARRAY(SELECT DISTINCT n.click_id::text FROM new_rows n
                    WHERE n.click_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM old_rows o
                                      WHERE o.id = n.id AND o.click_id = n.click_id
                                        AND (o.link_id = n.link_id OR TG_TABLE_NAME <> 'link_installs')));
  END IF;
  PERFORM event_refs_lock('WITH l AS (SELECT c.id FROM link_clicks c WHERE c.id = ANY ($1::bigint[])'
    || ' ORDER BY c.id FOR SHARE OF c) SELECT array_agg(l.id::text) FROM l', wanted, TG_TABLE_NAME, 'click_id',
    'link_clicks');
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

-- Runs an UPDATE of event rows ($1: ids, $2: keys), again when it waited for a move of one of them to another month
-- (see Shape).
CREATE FUNCTION event_refs_update(p_sql text, p_ids bigint[], p_keys text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  FOR attempt IN 1..5 LOOP
    BEGIN
      EXECUTE p_sql USING p_ids, p_keys;
      RETURN;
    EXCEPTION WHEN serialization_failure THEN
      IF attempt = 5 OR current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE;
      END IF;
    END;
  END LOOP;
END $$;

-- Deleted or truncated clicks: the installs and leads that carried them carry none (their own triggers then lower the
-- attributed counts, as the old key's SET NULL did).
CREATE FUNCTION link_clicks_refs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  gone bigint[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM event_refs_update('UPDATE link_installs SET click_id = NULL WHERE click_id IS NOT NULL', NULL, NULL);
    PERFORM event_refs_update('UPDATE link_leads SET click_id = NULL WHERE click_id IS NOT NULL', NULL, NULL);
  ELSE
    gone := ARRAY(SELECT o.id FROM old_rows o);
    PERFORM event_refs_update('UPDATE link_installs SET click_id = NULL WHERE click_id = ANY ($1)', gone, NULL);
    PERFORM event_refs_update('UPDATE link_leads SET click_id = NULL WHERE click_id = ANY ($1)', gone, NULL);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER link_clicks_refs_delete AFTER DELETE ON link_clicks
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_refs();
CREATE TRIGGER link_clicks_refs_truncate AFTER TRUNCATE ON link_clicks
  FOR EACH STATEMENT EXECUTE FUNCTION link_clicks_refs();

-- Sales: lock the leads that the statement's new or changed references name by (id, link_id), FOR SHARE in id order
-- (which also waits for a concurrent move of such a lead to another link), and fail when one finds none.
CREATE FUNCTION link_sales_lead_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  wanted text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    wanted := ARRAY(SELECT DISTINCT n.lead_id || ' ' || n.link_id FROM new_rows n WHERE n.lead_id IS NOT NULL);
  ELSE
    wanted := ARRAY(SELECT DISTINCT n.lead_id || ' ' || n.link_id FROM new_rows n
                    WHERE n.lead_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM old_rows o
                                      WHERE o.id = n.id AND o.lead_id = n.lead_id AND o.link_id = n.link_id));
  END IF;
  PERFORM event_refs_lock('WITH l AS (SELECT d.id, d.link_id FROM link_leads d'
    || ' WHERE d.id = ANY (ARRAY(SELECT split_part(w, '' '', 1)::bigint FROM unnest($1) w))'
    || ' AND (d.id || '' '' || d.link_id) = ANY ($1) ORDER BY d.id FOR SHARE OF d)'
    || ' SELECT array_agg(l.id || '' '' || l.link_id) FROM l', wanted, TG_TABLE_NAME, 'lead_id, link_id',
    'link_leads');
  RETURN NULL;
END $$;

CREATE TRIGGER link_sales_lead_lock_insert AFTER INSERT ON link_sales
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_lead_lock();
CREATE TRIGGER link_sales_lead_lock_update AFTER UPDATE ON link_sales
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_lead_lock();

-- Leads deleted or truncated: their sales keep their link and lose the lead; a lead moved to another link takes its
-- sales along (their own triggers move the sales counts, as the old key's cascade did). Ids do not change
-- (event_id_immutable), so old and new rows pair by id.
CREATE FUNCTION link_leads_refs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  moves text[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM event_refs_update('UPDATE link_sales SET lead_id = NULL WHERE lead_id IS NOT NULL', NULL, NULL);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM event_refs_update('UPDATE link_sales s SET lead_id = NULL'
      || ' WHERE s.lead_id = ANY ($1) AND (s.lead_id || '' '' || s.link_id) = ANY ($2)',
      ARRAY(SELECT o.id FROM old_rows o), ARRAY(SELECT o.id || ' ' || o.link_id FROM old_rows o));
  ELSE
    -- "lead old-link new-link" per lead moved to another link
    moves := ARRAY(SELECT o.id || ' ' || o.link_id || ' ' || n.link_id
                   FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE n.link_id <> o.link_id);
    IF cardinality(moves) > 0 THEN
      PERFORM event_refs_update('UPDATE link_sales s SET link_id = split_part(m, '' '', 3)::uuid FROM unnest($2) m'
        || ' WHERE s.lead_id = ANY ($1) AND s.lead_id = split_part(m, '' '', 1)::bigint'
        || ' AND s.link_id = split_part(m, '' '', 2)::uuid',
        ARRAY(SELECT split_part(m, ' ', 1)::bigint FROM unnest(moves) m), moves);
    END IF;
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

-- Detaches the months before p_before (a first of a month, at most the previous month's) from every event table; the
-- number of partitions detached. Rows of those months still in a default partition move into month partitions first.
CREATE FUNCTION event_history_archive(p_before date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  kept timestamptz := p_before::timestamp AT TIME ZONE 'UTC';
  m date;
  r record;
  detached integer := 0;
  caller_timeout text := current_setting('lock_timeout');
BEGIN
  IF p_before IS NULL OR p_before <> date_trunc('month', p_before)::date THEN
    RAISE EXCEPTION 'archive before the first day of a month, not %', p_before
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_before > (date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date THEN
    RAISE EXCEPTION 'only the months before the previous one can be archived (the service keeps partitions from the'
      ' previous month on), not the months before %', p_before USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR m IN SELECT DISTINCT date_trunc('month', x.t AT TIME ZONE 'UTC')::date
           FROM (SELECT clicked_at FROM link_clicks_default UNION ALL SELECT occurred_at FROM link_installs_default
                 UNION ALL SELECT occurred_at FROM link_leads_default
                 UNION ALL SELECT occurred_at FROM link_sales_default) x (t)
           WHERE x.t < kept AND isfinite(x.t) LOOP
    PERFORM event_partitions_ensure(m, (m + interval '1 month')::date);
  END LOOP;
  PERFORM set_config('lock_timeout', '10s', true);
  FOR r IN SELECT c.relname AS part, p.relname AS parent
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
           WHERE p.relname IN ('link_clicks', 'link_installs', 'link_leads', 'link_sales')
             AND c.relname ~ '_[0-9]{4}_[0-9]{2}$' AND to_date(right(c.relname, 7), 'YYYY_MM') < p_before
           ORDER BY p.relname, c.relname LOOP
    EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', r.parent, r.part);
    detached := detached + 1;
  END LOOP;
  PERFORM set_config('lock_timeout', caller_timeout, true);
  UPDATE event_history SET retained_from = greatest(coalesce(retained_from, '-infinity'), kept);
  RETURN detached;
END $$;

-- The start of a metrics window, checked against the kept history: an open start or an earlier one is refused with
-- SQLSTATE LX400 naming the request's field (Failures: a 400), in the snapshot of the statement that reads the window.
CREATE FUNCTION link_window_start(p_from timestamptz) RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  kept timestamptz := (SELECT h.retained_from FROM event_history h);
BEGIN
  IF kept IS NOT NULL AND (p_from IS NULL OR p_from < kept) THEN
    RAISE EXCEPTION 'metricsFrom must be given and not be earlier than %: the events before it are archived (lifetime'
      ' totals still count them)', to_char(kept AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
      USING ERRCODE = 'LX400', COLUMN = 'metricsFrom';
  END IF;
  RETURN p_from;
END $$;

CREATE OR REPLACE FUNCTION link_window_stats(p_project uuid, p_from timestamptz, p_to timestamptz)
RETURNS SETOF link_window_row
LANGUAGE sql STABLE AS $$
  SELECT * FROM link_window_stats_of(ARRAY(SELECT s.link_id FROM link_stats s WHERE s.project_id = p_project),
                                     link_window_start(p_from), p_to)
$$;

CREATE OR REPLACE FUNCTION link_window_link(p_link uuid, p_from timestamptz, p_to timestamptz)
RETURNS SETOF link_window_row
LANGUAGE plpgsql STABLE ROWS 1 COST 100000 AS $$
BEGIN
  RETURN QUERY SELECT * FROM link_window_stats_of(ARRAY[p_link], link_window_start(p_from), p_to);
END $$;

-- rebuild-stats recomputes the rollups from the raw events: after an archive that would drop the archived months.
CREATE OR REPLACE FUNCTION link_stats_rebuild(p_project uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  rebuilt bigint;
  kept timestamptz := (SELECT h.retained_from FROM event_history h);
BEGIN
  IF kept IS NOT NULL THEN
    RAISE EXCEPTION 'the events before % are archived (archive-events): a rebuild from the events that are left would'
      ' drop their counts from the rollups', kept USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  rebuilt := link_stats_rebuild_clicks(p_project); -- creates missing rows, locks the scope in link order
  PERFORM link_stats_rebuild_conversions(p_project);
  PERFORM link_day_stats_rebuild(p_project);
  RETURN rebuilt;
END $$;

ANALYZE link_clicks;
ANALYZE link_installs;
ANALYZE link_leads;
ANALYZE link_sales;
