-- Model-based enrichment: NER mentions (linked and not), sentiment polarity, relevance, runs.

ALTER TABLE mentions ADD COLUMN label VARCHAR;
ALTER TABLE mentions ADD COLUMN score DOUBLE;
COMMENT ON COLUMN mentions.label IS 'NER type of the span (ORG, PER, LOC, MISC) for method ner; NULL for alias matches.';
COMMENT ON COLUMN mentions.score IS 'NER confidence of the span (method ner); NULL for alias matches.';

CREATE TABLE unlinked_mentions (
    doc_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    surface VARCHAR NOT NULL,
    name_key VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    PRIMARY KEY (doc_id, field, char_start, char_end)
);
COMMENT ON TABLE unlinked_mentions IS 'Organisations the NER model found that match no watchlist entity: candidates for the watchlist (see view emerging_entities).';
COMMENT ON COLUMN unlinked_mentions.name_key IS 'Normalised name (case-folded, legal suffixes and possessives removed) that groups spellings of one organisation.';

ALTER TABLE document_sentiment ADD COLUMN polarity DOUBLE;
ALTER TABLE entity_sentiment ADD COLUMN polarity DOUBLE;
ALTER TABLE entity_sentiment ADD COLUMN sentences INTEGER;
COMMENT ON COLUMN document_sentiment.polarity IS 'P(positive) - P(negative), from -1 to 1.';
COMMENT ON COLUMN entity_sentiment.polarity IS 'P(positive) - P(negative) toward the entity, from -1 to 1, averaged over the sentences that mention it.';
COMMENT ON COLUMN entity_sentiment.sentences IS 'How many sentences of the document mention the entity (at most 8 are classified).';
COMMENT ON COLUMN document_sentiment.model IS 'Model name and version that produced the row.';
COMMENT ON COLUMN entity_sentiment.model IS 'Model name and version that produced the row.';

CREATE TABLE document_relevance (
    doc_id VARCHAR PRIMARY KEY,
    relevance DOUBLE NOT NULL,
    relevant BOOLEAN NOT NULL,
    method VARCHAR NOT NULL
);
COMMENT ON TABLE document_relevance IS 'Is the document about carmaking ventures? relevance from 0 to 1; relevant = relevance >= the documented threshold (0.5).';

CREATE TABLE enrichment_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    documents INTEGER NOT NULL,
    versions JSON NOT NULL
);
COMMENT ON TABLE enrichment_runs IS 'Each enrichment run: how many documents it (re-)enriched and with which model versions.';
