-- One row per watchlist entity named in the week: mentions, documents, share of voice (its
-- share of all watchlist-entity mentions of the week), mean sentiment (entity_sentiment.polarity,
-- NULL without a sentiment model) and the same for the week before; strongest_title/_url: the
-- week's document with the strongest sentiment toward it (largest |polarity|, then doc_id).
-- Sentiment reads relevant documents only (view claim_documents): it feeds sentiment movers.
-- $start, $end: this week; $prev_start, $prev_end: the week before (inclusive DATEs).
WITH named AS (
    SELECT t.day, t.doc_id, t.entity_id, t.mention_count
    FROM timeline t
    JOIN entities e USING (entity_id)
    WHERE t.day BETWEEN $prev_start AND $end AND e.in_watchlist
),
counts AS (
    SELECT
        entity_id,
        sum(mention_count) FILTER (WHERE day >= $start) AS mentions,
        count(DISTINCT doc_id) FILTER (WHERE day >= $start) AS documents,
        count(DISTINCT doc_id) FILTER (WHERE day <= $prev_end) AS previous_documents
    FROM named
    GROUP BY entity_id
),
tone AS (
    SELECT
        n.entity_id,
        avg(s.polarity) FILTER (WHERE n.day >= $start) AS sentiment,
        count(s.polarity) FILTER (WHERE n.day >= $start) AS sentiment_documents,
        avg(s.polarity) FILTER (WHERE n.day <= $prev_end) AS previous_sentiment,
        count(s.polarity) FILTER (WHERE n.day <= $prev_end) AS previous_sentiment_documents,
        first(coalesce(nullif(trim(d.title), ''), left(d.text, 120))
              ORDER BY abs(s.polarity) DESC, n.doc_id)
            FILTER (WHERE n.day >= $start AND s.polarity IS NOT NULL) AS strongest_title,
        first(d.canonical_url ORDER BY abs(s.polarity) DESC, n.doc_id)
            FILTER (WHERE n.day >= $start AND s.polarity IS NOT NULL) AS strongest_url
    FROM named n
    JOIN reviewed_entity_sentiment s USING (doc_id, entity_id)
    JOIN claim_documents USING (doc_id)
    JOIN documents d USING (doc_id)
    GROUP BY n.entity_id
),
total AS (
    SELECT sum(mentions) AS mentions FROM counts
)
SELECT
    c.entity_id,
    e.name AS entity,
    e.type,
    CAST(c.mentions AS BIGINT) AS mentions,
    CAST(c.documents AS BIGINT) AS documents,
    CAST(c.previous_documents AS BIGINT) AS previous_documents,
    CAST(c.documents - c.previous_documents AS BIGINT) AS change,
    c.mentions / (SELECT mentions FROM total) AS share_of_voice,
    t.sentiment,
    CAST(coalesce(t.sentiment_documents, 0) AS BIGINT) AS sentiment_documents,
    t.previous_sentiment,
    CAST(coalesce(t.previous_sentiment_documents, 0) AS BIGINT) AS previous_sentiment_documents,
    t.sentiment - t.previous_sentiment AS sentiment_change,
    t.strongest_title,
    t.strongest_url
FROM counts c
JOIN entities e USING (entity_id)
LEFT JOIN tone t USING (entity_id)
WHERE c.documents > 0
ORDER BY documents DESC, mentions DESC, entity, c.entity_id;
