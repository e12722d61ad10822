-- events: timeline events with their reporting documents.
CREATE OR REPLACE VIEW events AS
SELECT
    t.event_id, t.type, t.stage, t.event_date, t.date_precision, t.date_source, t.confidence,
    t.first_reported_at, t.source_count, t.parties, coalesce(t.background, false) AS background,
    list(DISTINCT d.canonical_url ORDER BY d.canonical_url) AS source_urls,
    min(r.evidence) AS evidence
FROM timeline_events t
LEFT JOIN event_reports r USING (event_id)
LEFT JOIN documents d ON d.doc_id = r.doc_id
GROUP BY ALL;
COMMENT ON VIEW events IS 'Timeline events (merged across reports) with the URLs of the documents that reported them and one evidence sentence; background marks events dated well before their first report.';
