-- The initial warehouse schema. Append-only: later changes go in new numbered files.
-- Times are TIMESTAMPTZ; carintel's connections use the UTC time zone.

CREATE TABLE sources (
    name VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE sources IS 'Every source (feed or sitemap) that delivered documents, by the name in sources.yaml.';
COMMENT ON COLUMN sources.kind IS 'feed | sitemap';

CREATE TABLE crawl_runs (
    run_id VARCHAR NOT NULL,
    spider VARCHAR NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    finish_reason VARCHAR,
    pages_fetched INTEGER,
    items_scraped INTEGER,
    errors INTEGER,
    skipped JSON,
    repaired JSON,
    stats JSON,
    loaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, spider)
);
COMMENT ON TABLE crawl_runs IS 'One row per spider per crawl run, from landing/RUN/stats-SPIDER.json.';
COMMENT ON COLUMN crawl_runs.repaired IS 'Problems worked around, as {"reason": count}, e.g. {"declared_encoding_wrong": 1}.';
COMMENT ON COLUMN crawl_runs.skipped IS 'What the run skipped, as {"reason": count}, e.g. {"http_404": 1, "dataloss": 1}.';
COMMENT ON COLUMN crawl_runs.stats IS 'The full Scrapy statistics of the run.';

CREATE TABLE landing_files (
    path VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    lines INTEGER NOT NULL,
    documents_added INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE landing_files IS 'Landing JSON Lines files already loaded; a file is reloaded only when its content changed.';
COMMENT ON COLUMN landing_files.path IS 'Path relative to the landing directory.';
COMMENT ON COLUMN landing_files.rejected IS 'Lines that were not valid JSON or lacked a required field.';

CREATE TABLE documents (
    doc_id VARCHAR PRIMARY KEY,
    canonical_url VARCHAR NOT NULL UNIQUE,
    url VARCHAR NOT NULL,
    title VARCHAR,
    text VARCHAR NOT NULL,
    published_at TIMESTAMPTZ,
    published_at_source VARCHAR,
    author VARCHAR,
    language VARCHAR,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    content_hash VARCHAR NOT NULL,
    word_count INTEGER NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    crawl_run_id VARCHAR NOT NULL,
    http_status INTEGER,
    warc_file VARCHAR,
    warc_record_id VARCHAR,
    warc_payload_digest VARCHAR
);
COMMENT ON TABLE documents IS 'One row per distinct document (article or post), deduplicated by canonical URL and by content hash.';
COMMENT ON COLUMN documents.doc_id IS 'First 16 hex digits of sha256(canonical_url): stable across runs and machines.';
COMMENT ON COLUMN documents.canonical_url IS 'rel=canonical when the page gives one, else the fetched URL; tracking parameters and fragments removed.';
COMMENT ON COLUMN documents.url IS 'The URL the page was fetched from (after redirects).';
COMMENT ON COLUMN documents.published_at IS 'Publication time as the source states it (UTC); NULL when no source gives one.';
COMMENT ON COLUMN documents.published_at_source IS 'Where published_at came from: feed | sitemap | jsonld | meta | time_tag | page_text | htmldate.';
COMMENT ON COLUMN documents.kind IS 'article | post | comment';
COMMENT ON COLUMN documents.content_hash IS 'sha256 of the whitespace-normalised, case-folded text: exact copies at other URLs are not stored twice.';
COMMENT ON COLUMN documents.first_seen_at IS 'When carintel first fetched the document.';
COMMENT ON COLUMN documents.warc_file IS 'WARC file (relative to the landing directory) holding the raw response.';
COMMENT ON COLUMN documents.warc_record_id IS 'WARC-Record-ID of the raw response in warc_file.';

CREATE TABLE document_urls (
    url VARCHAR PRIMARY KEY,
    doc_id VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE document_urls IS 'Every URL at which a stored document was seen: its own, tracking-link variants and exact copies.';
COMMENT ON COLUMN document_urls.reason IS 'fetched | same_canonical | same_content';

CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    country VARCHAR,
    description VARCHAR,
    in_watchlist BOOLEAN NOT NULL
);
COMMENT ON TABLE entities IS 'Tracked entities: companies, ventures, brands, products and people (from config/watchlist.yaml).';
COMMENT ON COLUMN entities.type IS 'company | venture | brand | product | person';
COMMENT ON COLUMN entities.in_watchlist IS 'False for an entity that was removed from the watchlist after mentions were recorded.';

CREATE TABLE aliases (
    entity_id VARCHAR NOT NULL,
    alias VARCHAR NOT NULL,
    case_sensitive BOOLEAN NOT NULL,
    lang VARCHAR NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
COMMENT ON TABLE aliases IS 'Surface forms of each entity, English and Chinese, used by the linker.';

CREATE TABLE relationships (
    rel_id VARCHAR PRIMARY KEY,
    subject_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    object_id VARCHAR NOT NULL,
    since VARCHAR,
    until VARCHAR,
    status VARCHAR NOT NULL,
    note VARCHAR,
    source_url VARCHAR,
    origin VARCHAR NOT NULL
);
COMMENT ON TABLE relationships IS 'Dated relationships: subject_id is <type> of object_id (e.g. seres alliance_member hima).';
COMMENT ON COLUMN relationships.since IS 'ISO date cut to its precision: 2021, 2021-04 or 2021-04-17.';
COMMENT ON COLUMN relationships.status IS 'active | ended | cancelled';
COMMENT ON COLUMN relationships.origin IS 'watchlist (curated) or, later, event (proposed by an extracted event).';

CREATE TABLE mentions (
    doc_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    surface VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, field, char_start, char_end, entity_id)
);
COMMENT ON TABLE mentions IS 'Each place a document names an entity: offsets are Python character offsets into documents.title or documents.text.';
COMMENT ON COLUMN mentions.field IS 'title | text';
COMMENT ON COLUMN mentions.method IS 'alias (watchlist alias match) or ner (model span linked to an entity).';

CREATE TABLE enrichments (
    doc_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    version VARCHAR NOT NULL,
    enriched_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (doc_id, stage)
);
COMMENT ON TABLE enrichments IS 'Which enrichment stage ran on which document with which version; a new version re-enriches.';

CREATE TABLE document_sentiment (
    doc_id VARCHAR PRIMARY KEY,
    label VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    model VARCHAR NOT NULL
);
COMMENT ON TABLE document_sentiment IS 'Sentiment of a whole document (positive | negative | neutral); filled by the sentiment model.';

CREATE TABLE entity_sentiment (
    doc_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    model VARCHAR NOT NULL,
    PRIMARY KEY (doc_id, entity_id)
);
COMMENT ON TABLE entity_sentiment IS 'Sentiment toward one entity in one document; filled by the sentiment model.';
