-- Social posts and aggregator results (landing schema 2), and per-source health per crawl run.

ALTER TABLE documents ADD COLUMN external_id VARCHAR;
ALTER TABLE documents ADD COLUMN parent_url VARCHAR;
ALTER TABLE documents ADD COLUMN engagement JSON;
COMMENT ON COLUMN documents.external_id IS 'The platform''s own id of a post or comment (HN objectID, Mastodon status id, ...).';
COMMENT ON COLUMN documents.parent_url IS 'For a comment: the post it answers; for a post that links to an article: that article.';
COMMENT ON COLUMN documents.engagement IS 'Counts at fetch time, e.g. {"score": 12, "comments": 4, "reposts": 2, "likes": 30}.';

CREATE TABLE source_runs (
    run_id VARCHAR NOT NULL,
    spider VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    finished_at TIMESTAMPTZ,
    requests INTEGER NOT NULL,
    items INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    not_modified INTEGER NOT NULL,
    seen_before INTEGER NOT NULL,
    skipped JSON,
    new_documents INTEGER,
    PRIMARY KEY (run_id, spider, source)
);
COMMENT ON TABLE source_runs IS 'Health of each source in each crawl run: what it delivered, what failed, what was new.';
COMMENT ON COLUMN source_runs.items IS 'Documents the source delivered to the landing file in this run.';
COMMENT ON COLUMN source_runs.errors IS 'Requests of this source that failed (HTTP errors, timeouts, malformed listings, throttling).';
COMMENT ON COLUMN source_runs.not_modified IS 'Listings answered 304 Not Modified (conditional GET): nothing new, no error.';
COMMENT ON COLUMN source_runs.seen_before IS 'Entries not fetched again because an earlier run already fetched them.';
COMMENT ON COLUMN source_runs.new_documents IS 'Documents of this source and run that were new to the warehouse (set when loaded).';
