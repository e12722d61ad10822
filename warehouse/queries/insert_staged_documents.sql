-- Insert staged rows as documents, skipping any whose canonical URL or content hash is already
-- stored, and keeping only the first (by line) of staged rows that share either. Posts and
-- comments are deduplicated by URL only: two people may well post the same short text.
INSERT INTO documents (
    doc_id, canonical_url, url, title, text, published_at, published_at_source, author,
    language, source, kind, content_hash, word_count, first_seen_at, crawl_run_id, http_status,
    warc_file, warc_record_id, warc_payload_digest, external_id, parent_url, engagement
)
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
    SELECT * FROM first_by_url
    QUALIFY coalesce(kind, 'article') <> 'article'
         OR row_number() OVER (PARTITION BY content_hash ORDER BY line_no) = 1
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
    least(cast(s.fetched_at AS TIMESTAMPTZ), try_cast(s.first_seen_at AS TIMESTAMPTZ)),
    s.crawl_run_id,
    s.http_status,
    s.warc_file,
    s.warc_record_id,
    s.warc_payload_digest,
    s.external_id,
    s.parent_url,
    s.engagement
FROM first_by_content s
WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.canonical_url = s.canonical_url)
  AND (coalesce(s.kind, 'article') <> 'article'
       OR NOT EXISTS (SELECT 1 FROM documents d
                      WHERE d.content_hash = s.content_hash AND d.kind = 'article'));
