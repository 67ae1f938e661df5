-- Inserts links $2 .. $2 + $3 - 1 of a seeding run into project $1, with 0-3 of the project's tags each. The links
-- are inserted with their tag_ids already set, so that V7's link_tags trigger finds nothing to rewrite.
-- $4 is a per-run token that keeps slugs and external ids unique across runs; $5 the owner, set on some links.
-- Names are deliberately awkward: commas, double quotes, unicode and emoji, NULLs, and a few starting with = + - @
-- so that the CSV export's quoting and formula-injection guard are exercised by realistic data.
WITH folder AS (
  SELECT coalesce(array_agg(id ORDER BY name), '{}') AS ids FROM folders WHERE project_id = $1
),
project_tags AS (
  SELECT coalesce(array_agg(id ORDER BY name), '{}') AS ids FROM tags WHERE project_id = $1
),
g AS (
  SELECT i, random() AS r_name, random() AS r_word, random() AS r_noun, random() AS r_type, random() AS r_folder,
         random() AS r_arch, random() AS r_utm, now() - random() * interval '365 days' AS created
  FROM generate_series($2::int, $2::int + $3::int - 1) i
),
words AS (
  SELECT ARRAY['Summer', 'Winter', 'Spring', 'Black Friday', 'Launch', 'Promo', 'Newsletter', 'Partner', 'Holiday',
               'Flash', 'Q3 Launch', 'Product Hunt', 'Referral', 'Webinar', 'Onboarding'] AS adj,
         ARRAY['Sale', 'Campaign', 'Landing Page', 'Offer', 'Giveaway', 'Signup', 'Docs', 'Pricing', 'App Download',
               'Blog Post', 'Podcast', 'Video'] AS noun
),
new_links AS (
  INSERT INTO links (project_id, domain, slug, url, name, type, external_id, tenant_id, user_id, folder_id, archived,
                     ios, android, utm_source, utm_medium, utm_campaign, created_at, updated_at, tag_ids,
                     title, description, image, comments, proxy, rewrite, do_index, track_conversion, public_stats,
                     expired_url, geo, password)
  SELECT $1,
    (ARRAY['dub.sh', 'go.acme.com', 'lnk.example.io', 'l.shop.dev'])[1 + g.i % 4],
    lower(replace(w.adj[1 + floor(g.r_word * 15)::int], ' ', '-')) || '-' || $4 || '-' || to_hex(g.i),
    'https://' || (ARRAY['acme.com', 'shop.dev', 'example.io', 'news.example.org'])[1 + (g.i / 4) % 4]
      || '/p/' || g.i || '?ref=seed',
    CASE
      WHEN g.r_name < 0.02 THEN NULL
      WHEN g.r_name < 0.025 THEN '=HYPERLINK("http://evil.example","Click me")'
      WHEN g.r_name < 0.03 THEN '+SUM(1,2) ' || w.noun[1 + floor(g.r_noun * 12)::int]
      WHEN g.r_name < 0.035 THEN '-20% ' || w.noun[1 + floor(g.r_noun * 12)::int]
      WHEN g.r_name < 0.04 THEN '@team ' || w.noun[1 + floor(g.r_noun * 12)::int]
      WHEN g.r_name < 0.08 THEN w.adj[1 + floor(g.r_word * 15)::int] || ', ' || w.noun[1 + floor(g.r_noun * 12)::int]
      WHEN g.r_name < 0.10 THEN 'The "Best" ' || w.noun[1 + floor(g.r_noun * 12)::int] || ' ever'
      WHEN g.r_name < 0.13 THEN 'Café ' || w.noun[1 + floor(g.r_noun * 12)::int] || ' ☕🚀'
      WHEN g.r_name < 0.14 THEN 'Ünïcödé — 日本語のリンク ' || g.i
      ELSE w.adj[1 + floor(g.r_word * 15)::int] || ' ' || w.noun[1 + floor(g.r_noun * 12)::int] || ' #' || g.i
    END,
    CASE WHEN g.r_type < 0.3 THEN 'unified' ELSE 'dynamic' END,
    CASE WHEN g.i % 5 = 0 THEN 'ext-' || $4 || '-' || g.i END,
    CASE WHEN g.i % 7 = 0 THEN 'tenant-' || (g.i % 13) END,
    CASE WHEN g.i % 3 = 0 THEN $5::uuid END,
    CASE WHEN g.r_folder < 0.25 OR cardinality(f.ids) = 0 THEN NULL
         ELSE f.ids[1 + floor((g.r_folder - 0.25) / 0.75 * cardinality(f.ids))::int] END,
    g.r_arch < 0.05,
    CASE WHEN g.r_type < 0.3 THEN 'https://apps.apple.com/app/id' || (100000 + g.i) END,
    CASE WHEN g.r_type < 0.3 THEN 'https://play.google.com/store/apps/details?id=dev.seed.app' END,
    CASE WHEN g.r_utm < 0.4 THEN (ARRAY['newsletter', 'twitter', 'linkedin', 'google'])[1 + g.i % 4] END,
    CASE WHEN g.r_utm < 0.4 THEN (ARRAY['email', 'social', 'cpc'])[1 + g.i % 3] END,
    CASE WHEN g.r_utm < 0.3 THEN 'seed_' || (g.i % 20) END,
    g.created,
    g.created + (now() - g.created) * g.r_arch,
    -- sorted and distinct, as V7's triggers keep it
    ARRAY(SELECT DISTINCT pt.ids[1 + floor(random() * cardinality(pt.ids))::int]
            FROM generate_series(1, 3) k
           WHERE cardinality(pt.ids) > 0 AND k <= abs(hashtext(g.i::text || $4)) % 4
           ORDER BY 1),
    -- dub's link fields (V10): custom previews on a fifth of the links, most links track conversions, a few have
    -- geo targeting, an expiry page or a password
    CASE WHEN g.i % 5 = 0 THEN w.adj[1 + floor(g.r_word * 15)::int] || ' ' || w.noun[1 + floor(g.r_noun * 12)::int] END,
    CASE WHEN g.i % 5 = 0 THEN 'Everything about our ' || lower(w.noun[1 + floor(g.r_noun * 12)::int]) END,
    CASE WHEN g.i % 5 = 0 THEN 'https://assets.example.io/og/' || g.i || '.png' END,
    CASE WHEN g.i % 9 = 0 THEN 'Owner: growth team; review in Q' || (1 + g.i % 4) END,
    g.i % 5 = 0,
    g.i % 17 = 0,
    g.i % 3 = 0,
    g.r_type < 0.8,
    g.i % 11 = 0,
    CASE WHEN g.i % 13 = 0 THEN 'https://acme.com/expired' END,
    CASE WHEN g.i % 8 = 0 THEN jsonb_build_object('US', 'https://acme.com/us', 'DE', 'https://acme.com/de') END,
    CASE WHEN g.i % 23 = 0 THEN 'seed-' || $4 END
  FROM g, words w, folder f, project_tags pt
  RETURNING id, tag_ids
),
tagged AS (
  INSERT INTO link_tags (link_id, tag_id)
  SELECT nl.id, unnest(nl.tag_ids) FROM new_links nl
  RETURNING 1
)
SELECT (SELECT count(*) FROM new_links) AS links, (SELECT count(*) FROM tagged) AS tags
