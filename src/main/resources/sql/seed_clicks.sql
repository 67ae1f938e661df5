-- Inserts $2 clicks on the links of project $1, with the installs and reopens they lead to, in one statement.
-- Clicks are skewed like real traffic: the link of rank r (by id) is chosen with P(rank < x) = (x / n)^(1/3.5), so
-- the top 1% of links get about a quarter of the clicks. Each click lands after its link was created. About 8% of
-- clicks are followed by an install carrying their click id, about 4% by a reopen, and about 1% by an install
-- without a click id (unattributed). About 2.5% of clicks become a lead (a sign-up carrying the click); each link
-- converts its leads at its own rate (0 to 45%, so some links sell far better than others with the same traffic), a
-- converted lead buys once and sometimes again (recurring), and amounts are skewed: most sales are small, a few large
-- (4.99 to 499.99, in cents of the reporting currency; the customer paid in usd, eur or gbp).
WITH l AS (
  SELECT id, created_at, (row_number() OVER (ORDER BY id) - 1)::int AS rn FROM links WHERE project_id = $1
),
n AS (
  SELECT count(*)::int AS total FROM l
),
g AS (
  SELECT floor(n.total * power(random(), 3.5))::int AS rn, random() AS r_dev, random() AS r_os, random() AS r_br,
         random() AS r_c, random() AS r_t
  FROM n, generate_series(1, $2::int)
),
clicks AS (
  INSERT INTO link_clicks (link_id, clicked_at, device, os, browser, country)
  SELECT l.id,
    l.created_at + g.r_t * (now() - l.created_at),
    CASE WHEN g.r_dev < 0.46 THEN 'mobile' WHEN g.r_dev < 0.90 THEN 'desktop' WHEN g.r_dev < 0.97 THEN 'tablet' END,
    CASE WHEN g.r_os < 0.30 THEN 'iOS' WHEN g.r_os < 0.58 THEN 'Android' WHEN g.r_os < 0.80 THEN 'Windows'
         WHEN g.r_os < 0.92 THEN 'macOS' WHEN g.r_os < 0.96 THEN 'Linux' END,
    CASE WHEN g.r_br < 0.55 THEN 'Chrome' WHEN g.r_br < 0.75 THEN 'Safari' WHEN g.r_br < 0.85 THEN 'Edge'
         WHEN g.r_br < 0.92 THEN 'Firefox' WHEN g.r_br < 0.96 THEN 'Samsung Internet' END,
    CASE WHEN g.r_c < 0.35 THEN 'US' WHEN g.r_c < 0.45 THEN 'GB' WHEN g.r_c < 0.53 THEN 'DE'
         WHEN g.r_c < 0.61 THEN 'IN' WHEN g.r_c < 0.67 THEN 'BR' WHEN g.r_c < 0.72 THEN 'FR'
         WHEN g.r_c < 0.77 THEN 'CA' WHEN g.r_c < 0.81 THEN 'JP' WHEN g.r_c < 0.84 THEN 'ES'
         WHEN g.r_c < 0.87 THEN 'NL' WHEN g.r_c < 0.90 THEN 'AU' WHEN g.r_c < 0.92 THEN 'MX'
         WHEN g.r_c < 0.94 THEN 'SE' END
  FROM g JOIN l ON l.rn = g.rn
  RETURNING id, link_id, clicked_at
),
followed AS (
  SELECT c.id, c.link_id, c.clicked_at, random() AS r FROM clicks c
),
installs AS (
  INSERT INTO link_installs (link_id, click_id, kind, occurred_at)
  SELECT f.link_id,
         CASE WHEN f.r < 0.12 THEN f.id END,
         CASE WHEN f.r < 0.08 OR f.r >= 0.12 THEN 'install' ELSE 'reopen' END,
         least(now(), f.clicked_at + f.r * interval '30 hours')
  FROM followed f
  WHERE f.r < 0.13
  RETURNING 1
),
leads AS (
  INSERT INTO link_leads (link_id, customer_id, click_id, occurred_at)
  SELECT f.link_id, 'cus_' || f.id, f.id, least(now(), f.clicked_at + (f.r - 0.13) * interval '40 hours')
  FROM followed f
  WHERE f.r >= 0.13 AND f.r < 0.155
  RETURNING id, link_id, occurred_at
),
converted AS (
  SELECT e.id, e.link_id, e.occurred_at, random() AS r, (abs(hashtext(e.link_id::text)) % 10) * 0.05 AS rate
  FROM leads e
),
sales AS (
  INSERT INTO link_sales (link_id, lead_id, amount, currency, occurred_at)
  SELECT c.link_id, c.id, (499 + floor(power(random(), 4) * 49500))::bigint,
         CASE WHEN c.r < 0.03 THEN 'eur' WHEN c.r < 0.04 THEN 'gbp' ELSE 'usd' END,
         least(now(), c.occurred_at + k * interval '30 days')
  FROM converted c, generate_series(0, 2) k
  WHERE c.r < c.rate AND (k = 0 OR random() < 0.25)
  RETURNING 1
)
SELECT (SELECT count(*) FROM clicks) AS clicks, (SELECT count(*) FROM installs) AS installs,
       (SELECT count(*) FROM leads) AS leads, (SELECT count(*) FROM sales) AS sales
