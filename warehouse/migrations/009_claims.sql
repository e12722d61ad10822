-- Claims analysts can trust: events know whether they are new or background that articles
-- recall, every claim carries a confidence and the threshold the report shows it above, and
-- organisations outside the watchlist get sentiment too.

ALTER TABLE timeline_events ADD COLUMN background BOOLEAN DEFAULT false;
COMMENT ON COLUMN timeline_events.background IS 'True when the sentence dates the event well before its first report (enrich.events.NEW_WINDOW_DAYS): background the articles recall, not a new development.';
COMMENT ON COLUMN timeline_events.confidence IS 'The highest calibrated confidence among its reports (probability that the type is right).';

ALTER TABLE relationships ADD COLUMN confidence DOUBLE;
COMMENT ON COLUMN relationships.confidence IS 'For a proposed relationship: the confidence of the event behind it.';

CREATE TABLE claim_thresholds (
    claim VARCHAR PRIMARY KEY,
    min_confidence DOUBLE NOT NULL,
    chosen_on VARCHAR NOT NULL
);
COMMENT ON TABLE claim_thresholds IS 'The confidence above which the weekly report shows a claim (chosen for precision on the claims dev set); claims below it stay in the warehouse and are counted.';
COMMENT ON COLUMN claim_thresholds.claim IS 'event (timeline events and the relationships they propose)';
COMMENT ON COLUMN claim_thresholds.min_confidence IS 'Claims with at least this confidence are shown.';
COMMENT ON COLUMN claim_thresholds.chosen_on IS 'Where the threshold was chosen, and for what precision.';

CREATE TABLE organisation_sentiment (
    doc_id VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    model VARCHAR NOT NULL,
    polarity DOUBLE,
    sentences INTEGER,
    PRIMARY KEY (doc_id, name_key)
);
COMMENT ON TABLE organisation_sentiment IS 'Sentiment toward an organisation outside the watchlist (an unlinked ORG mention) in one document: a rival or a new partner the story names.';
COMMENT ON COLUMN organisation_sentiment.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN organisation_sentiment.name_key IS 'Normalised name (unlinked_mentions.name_key).';
COMMENT ON COLUMN organisation_sentiment.name IS 'The name as the document first writes it.';
COMMENT ON COLUMN organisation_sentiment.label IS 'positive | neutral | negative';
COMMENT ON COLUMN organisation_sentiment.score IS 'Probability of the label.';
COMMENT ON COLUMN organisation_sentiment.model IS 'Model name and version that produced the row.';
COMMENT ON COLUMN organisation_sentiment.polarity IS 'P(positive) - P(negative), from -1 to 1.';
COMMENT ON COLUMN organisation_sentiment.sentences IS 'Sentences of the document that name it (at most 8 are classified).';

COMMENT ON TABLE document_relevance IS 'Is the document about carmaking ventures? relevance from 0 to 1; relevant = relevance >= the threshold in config/enrich.yaml (relevance.threshold). Only relevant documents feed claims: events, proposed relationships, sentiment movers, volume spikes, emerging organisations.';
COMMENT ON COLUMN document_relevance.relevant IS 'relevance >= the configured threshold at enrichment time';
COMMENT ON COLUMN document_relevance.method IS 'The relevance model and its threshold (see enrich/relevance.py).';
