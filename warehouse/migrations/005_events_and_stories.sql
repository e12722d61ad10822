-- Events (one row per report, and merged timeline events), stories, and relationships proposed
-- by events.

CREATE TABLE event_reports (
    doc_id VARCHAR NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end INTEGER NOT NULL,
    type VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    evidence VARCHAR NOT NULL,
    event_date VARCHAR,
    date_precision VARCHAR,
    date_source VARCHAR NOT NULL,
    parties JSON NOT NULL,
    event_id VARCHAR,
    PRIMARY KEY (doc_id, sentence_start, type)
);
COMMENT ON TABLE event_reports IS 'Each sentence that reports an event: the document''s own account, before merging.';
COMMENT ON COLUMN event_reports.doc_id IS 'The reporting document (documents.doc_id).';
COMMENT ON COLUMN event_reports.sentence_start IS 'Offset of the evidence sentence in documents.text.';
COMMENT ON COLUMN event_reports.sentence_end IS 'End offset (exclusive) of the evidence sentence.';
COMMENT ON COLUMN event_reports.type IS 'partnership | joint_venture | investment | divestment | funding | launch | delivery_sales | production | recall_incident | regulation | exit_cancellation | executive_change';
COMMENT ON COLUMN event_reports.stage IS 'rumoured | planned | announced | completed | denied | cancelled';
COMMENT ON COLUMN event_reports.confidence IS 'Classifier probability of the type, 0 to 1.';
COMMENT ON COLUMN event_reports.evidence IS 'The sentence that reports the event.';
COMMENT ON COLUMN event_reports.event_date IS 'The event''s own date, ISO 8601 cut to its precision (2015, 2015-03, 2015-03-14).';
COMMENT ON COLUMN event_reports.date_precision IS 'year | month | day';
COMMENT ON COLUMN event_reports.date_source IS 'sentence (the sentence dates it) | publication (fallback to the publication date) | unknown';
COMMENT ON COLUMN event_reports.parties IS 'Linked entities with roles: [{"entity_id", "role", "text"}].';
COMMENT ON COLUMN event_reports.event_id IS 'The merged timeline event this report belongs to (timeline_events.event_id).';

CREATE TABLE timeline_events (
    event_id VARCHAR PRIMARY KEY,
    type VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    event_date VARCHAR,
    date_precision VARCHAR,
    date_source VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    first_reported_at TIMESTAMPTZ,
    source_count INTEGER NOT NULL,
    parties JSON NOT NULL
);
COMMENT ON TABLE timeline_events IS 'Events merged across their reports: one row per event, with its first report time and how many documents reported it.';
COMMENT ON COLUMN timeline_events.event_id IS 'Stable id: a hash of type, parties and date bucket.';
COMMENT ON COLUMN timeline_events.stage IS 'The stage of the latest report.';
COMMENT ON COLUMN timeline_events.confidence IS 'The highest confidence among its reports.';
COMMENT ON COLUMN timeline_events.first_reported_at IS 'Publication (else first-seen) time of the earliest report.';
COMMENT ON COLUMN timeline_events.source_count IS 'Distinct documents that reported it.';
COMMENT ON COLUMN timeline_events.type IS 'Event type (see event_reports.type).';
COMMENT ON COLUMN timeline_events.event_date IS 'The event''s own date, cut to its precision.';
COMMENT ON COLUMN timeline_events.date_precision IS 'year | month | day';
COMMENT ON COLUMN timeline_events.date_source IS 'sentence | publication | unknown';
COMMENT ON COLUMN timeline_events.parties IS 'Linked entities with their main role: [{"entity_id", "role"}].';

CREATE TABLE event_parties (
    event_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    PRIMARY KEY (event_id, entity_id)
);
COMMENT ON TABLE event_parties IS 'The entities of each timeline event, one row each, for joins.';
COMMENT ON COLUMN event_parties.event_id IS 'timeline_events.event_id';
COMMENT ON COLUMN event_parties.entity_id IS 'entities.entity_id';
COMMENT ON COLUMN event_parties.role IS 'investor | investee | seller | buyer | target | partner | venture | subject';

CREATE TABLE document_stories (
    doc_id VARCHAR PRIMARY KEY,
    story_id VARCHAR NOT NULL,
    duplicate_of VARCHAR,
    similarity DOUBLE NOT NULL
);
COMMENT ON TABLE document_stories IS 'The story each document belongs to; ids are stable across runs (a story is named after its first document).';
COMMENT ON COLUMN document_stories.doc_id IS 'documents.doc_id';
COMMENT ON COLUMN document_stories.story_id IS 'The story (documents about one development within a time window).';
COMMENT ON COLUMN document_stories.duplicate_of IS 'For a near-copy (syndication, MinHash): the earliest document it copies.';
COMMENT ON COLUMN document_stories.similarity IS 'Similarity to the member it joined through (1.0 for the founder).';

CREATE TABLE document_vectors (
    doc_id VARCHAR PRIMARY KEY,
    embedding FLOAT[],
    minhash UBIGINT[]
);
COMMENT ON TABLE document_vectors IS 'Document embedding (the bundled encoder) and MinHash signature, kept so later runs can compare new documents with old ones.';
COMMENT ON COLUMN document_vectors.doc_id IS 'documents.doc_id';
COMMENT ON COLUMN document_vectors.embedding IS 'Mean-pooled, normalised all-MiniLM-L6-v2 embedding.';
COMMENT ON COLUMN document_vectors.minhash IS 'MinHash signature over word shingles.';

ALTER TABLE relationships ADD COLUMN review_status VARCHAR DEFAULT 'accepted';
ALTER TABLE relationships ADD COLUMN evidence VARCHAR;
ALTER TABLE relationships ADD COLUMN event_id VARCHAR;
COMMENT ON COLUMN relationships.review_status IS 'accepted (curated in the watchlist) | proposed (suggested by an extracted event; review it, then add it to the watchlist)';
COMMENT ON COLUMN relationships.evidence IS 'For a proposed relationship: the sentence that suggests it.';
COMMENT ON COLUMN relationships.event_id IS 'For a proposed relationship: the timeline event behind it.';
