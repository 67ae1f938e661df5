-- V10: conversions (leads and sales) with exact rollups, the rest of dub.co's link fields, and the index cursor paging
-- of sortBy=saleAmount needs (issue 21).
--
-- What
--   * link_leads: one row per lead (a sign-up, a trial) a link brought: its link, the customer (your id for them),
--     the click it came from (optional) and when. link_sales: one row per sale: its link, the amount in cents, the
--     currency, when, and optionally the lead it converts. As dub does, `amount` is in cents of the reporting currency
--     (dub converts to USD when it records a sale) and `currency` says what the customer paid in; saleAmount sums
--     `amount`. A sale that converts a lead belongs to that lead's link: the foreign key is (lead_id, link_id), so
--     "the link's leads that have at least one sale" and "the distinct leads the link's sales convert" are the same
--     number, and moving a lead to another link moves its sales with it (ON UPDATE CASCADE). Deleting a lead keeps its
--     sales, unattributed (ON DELETE SET NULL (lead_id)), as link_installs keeps an install whose click is deleted.
--   * link_stats gains leads, conversions (leads with at least one sale), sales (count) and sale_amount (sum, cents),
--     and an index (project_id, sale_amount DESC, link_id DESC) so that sortBy=saleAmount walks the project's slice of
--     it exactly as sortBy=clicks walks link_stats_project_clicks_idx (first pages and cursor pages alike).
--   * link_lead_sales (link, lead) -> number of the link's sales that convert that lead: conversions is the number of
--     these rows, kept like V2's link_click_matches (a row that reaches 0 is deleted; CHECK n > 0 enforces it).
--   * links gains dub's link fields that are data: title, description, image, comments, proxy, rewrite, do_index,
--     track_conversion, public_stats, expired_url, geo ({"US": "https://..."}: a JSON object keyed by country) and
--     password. The service never reads a password: the list selects only whether there is one (README, "password").
--
-- Maintenance: statement-level AFTER triggers over transition tables on link_leads and link_sales (insert, update,
-- delete, truncate), as V2 does for clicks and installs. An UPDATE is the old rows leaving and the new rows arriving;
-- the ON DELETE SET NULL of a deleted lead and the ON UPDATE CASCADE of a moved lead reach link_sales as UPDATEs, so
-- they lower or move the conversions through the same path. Link deletion cascades to the events and to
-- link_lead_sales; the delete triggers it fires find no link_stats row (gone with the link) and change nothing.
--
-- Why the rollups stay exact under concurrent READ COMMITTED writers (V2's proof, applied to the new state)
--   1. The rollup state of link L that this file adds (link_stats.leads, conversions, sales, sale_amount of row L and
--      the link_lead_sales rows (L, *)) is changed only by link_stats_apply_leads, link_stats_apply_sales and
--      link_stats_rebuild, and each first locks link_stats row L with link_stats_lock (V2: FOR UPDATE, in link_id
--      order, held to the end of the transaction). A sale's link_lead_sales key carries the sale's own link (the
--      foreign key makes it the lead's link too), so the one lock covers it. Writers of L's rollups are serialised.
--   2. The apply functions are VOLATILE plpgsql: in READ COMMITTED each statement after the lock takes a fresh
--      snapshot, so it reads link_lead_sales (whether a key exists, its count) as every earlier writer of L committed
--      it, plus this transaction's own changes. Counters only move by the statement's own deltas.
--   3. A concurrent writer whose events T cannot see has not applied its delta yet (its trigger runs at its statement's
--      end and waits for L's lock); it applies it on top of T's committed state. So after both commit the state is
--      f(all events), for every interleaving; a rollback takes its deltas with its rows.
--   4. Locks are taken in link_id order within a statement, so two multi-link statements cannot deadlock on each
--      other's rows; REPEATABLE READ / SERIALIZABLE writers get a serialization failure and retry, as with clicks.
--   link_stats_rebuild (replaced below) locks its whole scope first, as before, then recomputes these columns from
--   the raw events with fresh snapshots: writers that committed before are counted, waiting ones apply on top.
--
-- Existing databases start exact: there are no leads or sales yet, and every new counter starts at 0.
-- The geo check is NOT VALID only to skip a scan of links: every existing row has geo NULL, which passes it; new and
-- updated rows are checked.

ALTER TABLE links
  ADD COLUMN title text,
  ADD COLUMN description text,
  ADD COLUMN image text,
  ADD COLUMN comments text,
  ADD COLUMN proxy boolean NOT NULL DEFAULT false,
  ADD COLUMN rewrite boolean NOT NULL DEFAULT false,
  ADD COLUMN do_index boolean NOT NULL DEFAULT false,
  ADD COLUMN track_conversion boolean NOT NULL DEFAULT false,
  ADD COLUMN public_stats boolean NOT NULL DEFAULT false,
  ADD COLUMN expired_url text,
  ADD COLUMN geo jsonb,
  ADD COLUMN password text,
  ADD CONSTRAINT links_geo_object CHECK (geo IS NULL OR jsonb_typeof(geo) = 'object') NOT VALID;

CREATE TABLE link_leads (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  link_id      uuid NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  customer_id  text,
  click_id     bigint REFERENCES link_clicks (id) ON DELETE SET NULL,
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, link_id) -- the target of link_sales' foreign key
);
CREATE INDEX link_leads_link_idx ON link_leads (link_id);
CREATE INDEX link_leads_click_idx ON link_leads (click_id) WHERE click_id IS NOT NULL;

CREATE TABLE link_sales (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  link_id      uuid NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  lead_id      bigint,
  amount       bigint NOT NULL CHECK (amount >= 0),
  currency     text NOT NULL DEFAULT 'usd' CHECK (currency ~ '^[a-z]{3}$'),
  occurred_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (lead_id, link_id) REFERENCES link_leads (id, link_id) ON UPDATE CASCADE ON DELETE SET NULL (lead_id)
);
CREATE INDEX link_sales_link_idx ON link_sales (link_id);
CREATE INDEX link_sales_lead_idx ON link_sales (lead_id, link_id) WHERE lead_id IS NOT NULL;

ALTER TABLE link_stats
  ADD COLUMN leads bigint NOT NULL DEFAULT 0,
  ADD COLUMN conversions bigint NOT NULL DEFAULT 0,
  ADD COLUMN sales bigint NOT NULL DEFAULT 0,
  ADD COLUMN sale_amount bigint NOT NULL DEFAULT 0;
CREATE INDEX link_stats_project_sale_amount_idx ON link_stats (project_id, sale_amount DESC, link_id DESC);

CREATE TABLE link_lead_sales (
  link_id  uuid NOT NULL REFERENCES links (id) ON DELETE CASCADE,
  lead_id  bigint NOT NULL, -- no FK: deleting a lead nulls link_sales.lead_id, whose trigger lowers n
  n        bigint NOT NULL CHECK (n > 0),
  PRIMARY KEY (link_id, lead_id)
) WITH (fillfactor = 80);

-- One statement's sales per link, and per (link, lead) key.
CREATE TYPE link_stats_sales_delta AS (link_id uuid, sales bigint, amount bigint);
CREATE TYPE link_stats_lead_delta AS (link_id uuid, lead_id bigint, delta bigint);

-- Applies one statement's lead counts per link (p_deltas[i] for p_links[i]; p_ensure as in link_stats_lock).
CREATE FUNCTION link_stats_apply_leads(p_links uuid[], p_deltas bigint[], p_ensure boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p_links) = 0 THEN
    RETURN;
  END IF;
  PERFORM link_stats_lock(p_links, p_ensure); -- step 1
  UPDATE link_stats s SET leads = s.leads + d.delta
    FROM unnest(p_links, p_deltas) AS d(link_id, delta)
   WHERE s.link_id = d.link_id;
END $$;

-- Applies one statement's sales: counts and amounts per link, then the (link, lead) keys, read after the lock (step 2):
-- a key created moves conversions up by one, a key emptied down by one, as V2 counts attributed clicks. The links
-- touched are those of p_links (counts, amounts) and of p_keys (a sale whose lead was deleted changes only its key).
CREATE FUNCTION link_stats_apply_sales(p_links link_stats_sales_delta[], p_keys link_stats_lead_delta[],
                                       p_ensure boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(p_links) = 0 AND cardinality(p_keys) = 0 THEN
    RETURN;
  END IF;
  PERFORM link_stats_lock(ARRAY(SELECT d.link_id FROM unnest(p_links) d UNION SELECT k.link_id FROM unnest(p_keys) k),
                          p_ensure); -- step 1

  -- One statement, one snapshot taken after the lock: cur reads the keys as the previous writer committed them, and
  -- the data-modifying CTEs below change them from that same state.
  WITH k AS (
    SELECT * FROM unnest(p_keys)
  ), cur AS (
    SELECT k.link_id, k.delta, m.n AS old_n
    FROM k LEFT JOIN link_lead_sales m ON m.link_id = k.link_id AND m.lead_id = k.lead_id
  ), raised AS (
    INSERT INTO link_lead_sales AS m (link_id, lead_id, n)
    SELECT k.link_id, k.lead_id, k.delta FROM k WHERE k.delta > 0
    ON CONFLICT (link_id, lead_id) DO UPDATE SET n = m.n + excluded.n
  ), emptied AS (
    DELETE FROM link_lead_sales m USING k
    WHERE k.delta < 0 AND m.link_id = k.link_id AND m.lead_id = k.lead_id AND m.n + k.delta <= 0
  ), lowered AS (
    UPDATE link_lead_sales m SET n = m.n + k.delta
    FROM k
    WHERE k.delta < 0 AND m.link_id = k.link_id AND m.lead_id = k.lead_id AND m.n + k.delta > 0
  ), converted AS (
    SELECT cur.link_id,
           sum(CASE WHEN cur.old_n IS NULL AND cur.delta > 0 THEN 1
                    WHEN cur.old_n IS NOT NULL AND cur.old_n + cur.delta <= 0 THEN -1
                    ELSE 0 END) AS change
    FROM cur GROUP BY cur.link_id
  )
  UPDATE link_stats s SET
    sales = s.sales + coalesce(l.sales, 0),
    sale_amount = s.sale_amount + coalesce(l.amount, 0),
    conversions = s.conversions + coalesce(c.change, 0)
  FROM unnest(p_links) l
  FULL JOIN converted c ON c.link_id = l.link_id
  WHERE s.link_id = coalesce(l.link_id, c.link_id);
END $$;

-- ---- link_leads triggers ----------------------------------------------------------------------------------------------

CREATE FUNCTION link_leads_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_leads(a.links, a.deltas, true)
  FROM (SELECT coalesce(array_agg(e.link_id ORDER BY e.link_id), '{}') AS links,
               coalesce(array_agg(e.n ORDER BY e.link_id), '{}') AS deltas
        FROM (SELECT link_id, count(*) AS n FROM new_rows GROUP BY link_id) e) a;
  RETURN NULL;
END $$;

CREATE FUNCTION link_leads_stats_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_leads(a.links, a.deltas, false)
  FROM (SELECT coalesce(array_agg(e.link_id ORDER BY e.link_id), '{}') AS links,
               coalesce(array_agg(-e.n ORDER BY e.link_id), '{}') AS deltas
        FROM (SELECT link_id, count(*) AS n FROM old_rows GROUP BY link_id) e) a;
  RETURN NULL;
END $$;

-- Only links whose count changes are touched: a deleted click nulls its leads' click_id, an UPDATE that moves none.
CREATE FUNCTION link_leads_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_leads(a.links, a.deltas, true)
  FROM (SELECT coalesce(array_agg(e.link_id ORDER BY e.link_id), '{}') AS links,
               coalesce(array_agg(e.n ORDER BY e.link_id), '{}') AS deltas
        FROM (SELECT u.link_id, sum(u.sign) AS n
              FROM (SELECT n.link_id, 1 AS sign FROM new_rows n UNION ALL SELECT o.link_id, -1 FROM old_rows o) u
              GROUP BY u.link_id HAVING sum(u.sign) <> 0) e) a;
  RETURN NULL;
END $$;

-- TRUNCATE holds an ACCESS EXCLUSIVE lock on the table, so no event writer runs concurrently. link_sales references
-- link_leads, so truncating leads truncates sales too (CASCADE), whose own trigger resets the sales columns.
CREATE FUNCTION link_leads_stats_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE link_stats SET leads = 0 WHERE leads <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER link_leads_stats_insert AFTER INSERT ON link_leads
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_leads_stats_insert();
CREATE TRIGGER link_leads_stats_delete AFTER DELETE ON link_leads
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_leads_stats_delete();
CREATE TRIGGER link_leads_stats_update AFTER UPDATE ON link_leads
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_leads_stats_update();
CREATE TRIGGER link_leads_stats_truncate AFTER TRUNCATE ON link_leads
  FOR EACH STATEMENT EXECUTE FUNCTION link_leads_stats_truncate();

-- ---- link_sales triggers ----------------------------------------------------------------------------------------------

CREATE FUNCTION link_sales_stats_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_sales(
    ARRAY(SELECT ROW(e.link_id, count(*), sum(e.amount))::link_stats_sales_delta FROM new_rows e GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, e.lead_id, count(*))::link_stats_lead_delta
          FROM new_rows e WHERE e.lead_id IS NOT NULL GROUP BY e.link_id, e.lead_id),
    true);
  RETURN NULL;
END $$;

CREATE FUNCTION link_sales_stats_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_sales(
    ARRAY(SELECT ROW(e.link_id, -count(*), -sum(e.amount))::link_stats_sales_delta FROM old_rows e GROUP BY e.link_id),
    ARRAY(SELECT ROW(e.link_id, e.lead_id, -count(*))::link_stats_lead_delta
          FROM old_rows e WHERE e.lead_id IS NOT NULL GROUP BY e.link_id, e.lead_id),
    false);
  RETURN NULL;
END $$;

-- Also reached by a deleted lead (lead_id -> NULL) and a lead moved to another link (link_id and lead_id cascade).
-- Links and keys whose net change is zero are dropped: an UPDATE of, say, the currency alone changes nothing here.
CREATE FUNCTION link_sales_stats_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM link_stats_apply_sales(
    ARRAY(SELECT ROW(e.link_id, sum(e.sign), sum(e.sign * e.amount))::link_stats_sales_delta
          FROM (SELECT n.link_id, n.amount, 1 AS sign FROM new_rows n
                UNION ALL SELECT o.link_id, o.amount, -1 FROM old_rows o) e
          GROUP BY e.link_id
          HAVING sum(e.sign) <> 0 OR sum(e.sign * e.amount) <> 0),
    ARRAY(SELECT ROW(e.link_id, e.lead_id, sum(e.sign))::link_stats_lead_delta
          FROM (SELECT n.link_id, n.lead_id, 1 AS sign FROM new_rows n
                UNION ALL SELECT o.link_id, o.lead_id, -1 FROM old_rows o) e
          WHERE e.lead_id IS NOT NULL
          GROUP BY e.link_id, e.lead_id
          HAVING sum(e.sign) <> 0),
    true);
  RETURN NULL;
END $$;

CREATE FUNCTION link_sales_stats_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM link_lead_sales;
  UPDATE link_stats SET sales = 0, sale_amount = 0, conversions = 0
  WHERE sales <> 0 OR sale_amount <> 0 OR conversions <> 0;
  RETURN NULL;
END $$;

CREATE TRIGGER link_sales_stats_insert AFTER INSERT ON link_sales
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_stats_insert();
CREATE TRIGGER link_sales_stats_delete AFTER DELETE ON link_sales
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_stats_delete();
CREATE TRIGGER link_sales_stats_update AFTER UPDATE ON link_sales
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION link_sales_stats_update();
CREATE TRIGGER link_sales_stats_truncate AFTER TRUNCATE ON link_sales
  FOR EACH STATEMENT EXECUTE FUNCTION link_sales_stats_truncate();

-- ---- rebuild -----------------------------------------------------------------------------------------------------------
-- The clicks and installs part of link_stats_rebuild stays as V5 wrote it, under a new name; the new function runs it
-- (it locks the scope's link_stats rows in link order first) and then recomputes the conversion columns and
-- link_lead_sales from the raw events, each statement with a fresh snapshot, under those same locks.

ALTER FUNCTION link_stats_rebuild(uuid) RENAME TO link_stats_rebuild_clicks;

CREATE FUNCTION link_stats_rebuild_conversions(p_project uuid) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM link_lead_sales m USING links l
  WHERE l.id = m.link_id AND (p_project IS NULL OR l.project_id = p_project);
  INSERT INTO link_lead_sales (link_id, lead_id, n)
  SELECT s.link_id, s.lead_id, count(*)
  FROM link_sales s JOIN links l ON l.id = s.link_id
  WHERE s.lead_id IS NOT NULL AND (p_project IS NULL OR l.project_id = p_project)
  GROUP BY s.link_id, s.lead_id;

  UPDATE link_stats st SET
    leads = coalesce(d.leads, 0),
    conversions = coalesce(c.conversions, 0),
    sales = coalesce(x.sales, 0),
    sale_amount = coalesce(x.amount, 0)
  FROM links l
  LEFT JOIN (
    SELECT e.link_id, count(*) AS leads FROM link_leads e JOIN links el ON el.id = e.link_id
    WHERE p_project IS NULL OR el.project_id = p_project GROUP BY e.link_id
  ) d ON d.link_id = l.id
  LEFT JOIN (
    SELECT e.link_id, count(*) AS sales, sum(e.amount) AS amount FROM link_sales e JOIN links el ON el.id = e.link_id
    WHERE p_project IS NULL OR el.project_id = p_project GROUP BY e.link_id
  ) x ON x.link_id = l.id
  LEFT JOIN (
    SELECT m.link_id, count(*) AS conversions FROM link_lead_sales m JOIN links ml ON ml.id = m.link_id
    WHERE p_project IS NULL OR ml.project_id = p_project GROUP BY m.link_id
  ) c ON c.link_id = l.id
  WHERE st.link_id = l.id AND (p_project IS NULL OR l.project_id = p_project);
END $$;

CREATE FUNCTION link_stats_rebuild(p_project uuid) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  rebuilt bigint;
BEGIN
  rebuilt := link_stats_rebuild_clicks(p_project); -- creates missing rows, locks the scope in link order
  PERFORM link_stats_rebuild_conversions(p_project);
  RETURN rebuilt;
END $$;
