-- Insert staged rows as documents, skipping any whose canonical URL or content hash is already
-- stored, and keeping only the first (by line) of staged rows that share either.
INSERT INTO documents
WITH valid AS (
    SELECT * FROM staging
    WHERE url IS NOT NULL AND canonical_url IS NOT NULL AND source IS NOT NULL
      AND text IS NOT NULL AND content_hash IS NOT NULL AND fetched_at IS NOT NULL
      AND crawl_run_id IS NOT NULL
),
first_by_url AS (
    SELECT * FROM valid QUALIFY row_number() OVER (PARTITION BY canonical_url ORDER BY line_no) = 1
),
first_by_content AS (
    SELECT * FROM first_by_url QUALIFY row_number() OVER (PARTITION BY content_hash ORDER BY line_no) = 1
)
SELECT
    left(sha256(s.canonical_url), 16),
    s.canonical_url,
    s.url,
    s.title,
    s.text,
    try_cast(s.published_at AS TIMESTAMPTZ),
    CASE WHEN try_cast(s.published_at AS TIMESTAMPTZ) IS NULL THEN NULL ELSE s.published_at_source END,
    s.author,
    s.language,
    s.source,
    coalesce(s.kind, 'article'),
    s.content_hash,
    len(regexp_split_to_array(trim(s.text), '\s+')),
    cast(s.fetched_at AS TIMESTAMPTZ),
    s.crawl_run_id,
    s.http_status,
    s.warc_file,
    s.warc_record_id,
    s.warc_payload_digest
FROM first_by_content s
WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.canonical_url = s.canonical_url)
  AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.content_hash = s.content_hash);
