-- Every column documented, for `carintel schema` and any DuckDB client (duckdb_columns()).

COMMENT ON COLUMN document_urls.url IS 'A URL at which the document was seen.';
COMMENT ON COLUMN document_urls.doc_id IS 'The stored document (documents.doc_id).';
COMMENT ON COLUMN document_urls.first_seen_at IS 'When carintel first fetched this URL.';

COMMENT ON COLUMN document_sentiment.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN document_sentiment.label IS 'positive | neutral | negative';
COMMENT ON COLUMN document_sentiment.score IS 'Probability of the label, 0 to 1.';

COMMENT ON COLUMN unlinked_mentions.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN unlinked_mentions.field IS 'title | text';
COMMENT ON COLUMN unlinked_mentions.char_start IS 'Start offset (Python characters) in the field.';
COMMENT ON COLUMN unlinked_mentions.char_end IS 'End offset (exclusive) in the field.';
COMMENT ON COLUMN unlinked_mentions.surface IS 'The name as written.';
COMMENT ON COLUMN unlinked_mentions.label IS 'NER type: ORG for organisations.';
COMMENT ON COLUMN unlinked_mentions.score IS 'NER confidence, 0 to 1.';

COMMENT ON COLUMN relationships.rel_id IS 'Stable id: hash of subject, type, object and since.';
COMMENT ON COLUMN relationships.subject_id IS 'The entity that is <type> of object_id (entities.entity_id).';
COMMENT ON COLUMN relationships.type IS 'partner | investor | jv_parent | alliance_member | supplier | brand_of | product_of | subsidiary_of | executive_of | founder_of';
COMMENT ON COLUMN relationships.object_id IS 'The other entity (entities.entity_id).';
COMMENT ON COLUMN relationships.until IS 'When it ended, at the precision known (NULL: still holds or unknown).';
COMMENT ON COLUMN relationships.note IS 'One sentence on the relationship.';
COMMENT ON COLUMN relationships.source_url IS 'A public page that states the fact.';

COMMENT ON COLUMN schema_migrations.version IS 'Migration number (warehouse/migrations/NNN_*.sql).';
COMMENT ON COLUMN schema_migrations.name IS 'Migration file name.';
COMMENT ON COLUMN schema_migrations.applied_at IS 'When it was applied.';

COMMENT ON COLUMN document_relevance.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN document_relevance.relevance IS 'How much the document is about carmaking ventures, 0 to 1.';
COMMENT ON COLUMN document_relevance.relevant IS 'relevance >= 0.5';
COMMENT ON COLUMN document_relevance.method IS 'The scoring rule and its version (see enrich/relevance.py).';

COMMENT ON COLUMN enrichments.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN enrichments.stage IS 'Enrichment stage: enrich (entities, sentiment, relevance).';
COMMENT ON COLUMN enrichments.version IS 'Pipeline, watchlist-alias and model versions the document was enriched with.';
COMMENT ON COLUMN enrichments.enriched_at IS 'When.';

COMMENT ON COLUMN aliases.entity_id IS 'The entity (entities.entity_id).';
COMMENT ON COLUMN aliases.alias IS 'A surface form: English, Chinese or other.';
COMMENT ON COLUMN aliases.case_sensitive IS 'True: matches only with this exact case (short names, acronyms, common words).';
COMMENT ON COLUMN aliases.lang IS 'Language of the alias: en, zh, ja.';

COMMENT ON COLUMN landing_files.sha256 IS 'Content hash when loaded; a changed file is loaded again.';
COMMENT ON COLUMN landing_files.size IS 'Size in bytes when loaded.';
COMMENT ON COLUMN landing_files.lines IS 'Non-empty lines in the file.';
COMMENT ON COLUMN landing_files.documents_added IS 'New documents this load added.';
COMMENT ON COLUMN landing_files.duplicates IS 'Lines whose document was already stored (same canonical URL or content).';
COMMENT ON COLUMN landing_files.loaded_at IS 'When the file was loaded.';

COMMENT ON COLUMN documents.title IS 'Headline as the page gives it.';
COMMENT ON COLUMN documents.text IS 'Article body (or post text), boilerplate removed.';
COMMENT ON COLUMN documents.author IS 'Byline or post author, when given.';
COMMENT ON COLUMN documents.language IS 'Language code of the page (en, zh, ...).';
COMMENT ON COLUMN documents.source IS 'The source''s name (sources.name).';
COMMENT ON COLUMN documents.word_count IS 'Words in text (whitespace-separated).';
COMMENT ON COLUMN documents.crawl_run_id IS 'The crawl run that first brought the document (crawl_runs.run_id).';
COMMENT ON COLUMN documents.http_status IS 'HTTP status of the archived response.';
COMMENT ON COLUMN documents.warc_payload_digest IS 'WARC-Payload-Digest of the archived response body.';

COMMENT ON COLUMN entities.entity_id IS 'Watchlist id (lowercase slug).';
COMMENT ON COLUMN entities.name IS 'Display name.';
COMMENT ON COLUMN entities.country IS 'ISO 3166-1 alpha-2 country code.';
COMMENT ON COLUMN entities.description IS 'One line.';

COMMENT ON COLUMN enrichment_runs.run_id IS 'Enrichment run id (start time and a random suffix).';
COMMENT ON COLUMN enrichment_runs.started_at IS 'When the run started.';
COMMENT ON COLUMN enrichment_runs.finished_at IS 'When it finished.';
COMMENT ON COLUMN enrichment_runs.documents IS 'Documents enriched (new, or re-enriched after a version change).';
COMMENT ON COLUMN enrichment_runs.versions IS 'Pipeline and model versions, as JSON.';

COMMENT ON COLUMN sources.name IS 'The source''s name in sources.yaml.';
COMMENT ON COLUMN sources.url IS 'Feed, sitemap or API address.';
COMMENT ON COLUMN sources.first_seen_at IS 'First crawl run that read the source.';
COMMENT ON COLUMN sources.last_seen_at IS 'Latest crawl run that read the source.';

COMMENT ON COLUMN mentions.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN mentions.entity_id IS 'The watchlist entity named (entities.entity_id).';
COMMENT ON COLUMN mentions.char_start IS 'Start offset (Python characters) in the field.';
COMMENT ON COLUMN mentions.char_end IS 'End offset (exclusive) in the field.';
COMMENT ON COLUMN mentions.surface IS 'The name as written.';

COMMENT ON COLUMN crawl_runs.run_id IS 'Crawl run id: start time (UTC) and a random suffix; the landing folder''s name.';
COMMENT ON COLUMN crawl_runs.spider IS 'Spider name (with -HOST-PID for a worker of a shared --redis run).';
COMMENT ON COLUMN crawl_runs.started_at IS 'When the spider started.';
COMMENT ON COLUMN crawl_runs.finished_at IS 'When it finished.';
COMMENT ON COLUMN crawl_runs.finish_reason IS 'finished, or why Scrapy stopped (shutdown, closespider_...).';
COMMENT ON COLUMN crawl_runs.pages_fetched IS 'HTTP responses received.';
COMMENT ON COLUMN crawl_runs.items_scraped IS 'Documents written to the landing file.';
COMMENT ON COLUMN crawl_runs.errors IS 'Requests skipped for any reason (sum of skipped).';
COMMENT ON COLUMN crawl_runs.loaded_at IS 'When the statistics were loaded.';

COMMENT ON COLUMN entity_sentiment.doc_id IS 'The document (documents.doc_id).';
COMMENT ON COLUMN entity_sentiment.entity_id IS 'The entity (entities.entity_id).';
COMMENT ON COLUMN entity_sentiment.label IS 'positive | neutral | negative';
COMMENT ON COLUMN entity_sentiment.score IS 'Probability of the label, 0 to 1.';

COMMENT ON COLUMN source_runs.run_id IS 'The crawl run (crawl_runs.run_id).';
COMMENT ON COLUMN source_runs.spider IS 'The spider that read the source.';
COMMENT ON COLUMN source_runs.source IS 'The source (sources.name).';
COMMENT ON COLUMN source_runs.finished_at IS 'When the spider finished.';
COMMENT ON COLUMN source_runs.requests IS 'Requests scheduled for this source.';
COMMENT ON COLUMN source_runs.skipped IS 'Failed requests by reason, as {"reason": count}.';
