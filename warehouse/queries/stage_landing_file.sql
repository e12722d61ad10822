-- Stage one landing JSON Lines file. Malformed lines come back as all-NULL rows (ignore_errors),
-- which the loader counts as rejected. Parameter: the file path.
CREATE OR REPLACE TEMP TABLE staging AS
SELECT
    row_number() OVER () AS line_no,
    *
FROM read_json(
    $path,
    format = 'newline_delimited',
    ignore_errors = true,
    maximum_object_size = 67108864,
    columns = {
        url: 'VARCHAR', canonical_url: 'VARCHAR', source: 'VARCHAR', source_kind: 'VARCHAR',
        kind: 'VARCHAR', title: 'VARCHAR', text: 'VARCHAR', published_at: 'VARCHAR',
        published_at_source: 'VARCHAR', author: 'VARCHAR', language: 'VARCHAR',
        fetched_at: 'VARCHAR', http_status: 'INTEGER', content_hash: 'VARCHAR',
        crawl_run_id: 'VARCHAR', warc_file: 'VARCHAR', warc_record_id: 'VARCHAR',
        warc_payload_digest: 'VARCHAR', external_id: 'VARCHAR', parent_url: 'VARCHAR',
        engagement: 'JSON', first_seen_at: 'VARCHAR'
    }
);
