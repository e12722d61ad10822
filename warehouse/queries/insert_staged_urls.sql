-- Record every URL of a staged row against the stored document it resolves to.
INSERT INTO document_urls
SELECT url, doc_id, reason, first_seen_at FROM (
    SELECT
        s.url,
        coalesce(by_url.doc_id, by_content.doc_id) AS doc_id,
        CASE
            WHEN by_url.url = s.url THEN 'fetched'
            WHEN by_url.doc_id IS NOT NULL THEN 'same_canonical'
            ELSE 'same_content'
        END AS reason,
        cast(s.fetched_at AS TIMESTAMPTZ) AS first_seen_at,
        s.line_no
    FROM staging s
    LEFT JOIN documents by_url ON by_url.canonical_url = s.canonical_url
    LEFT JOIN documents by_content
        ON by_content.content_hash = s.content_hash AND by_content.kind = 'article'
        AND coalesce(s.kind, 'article') = 'article'
    WHERE s.url IS NOT NULL AND s.fetched_at IS NOT NULL
)
WHERE doc_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY url ORDER BY line_no) = 1
ON CONFLICT DO NOTHING;
