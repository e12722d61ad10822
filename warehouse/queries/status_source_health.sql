-- carintel status: each source's health flags (view source_health), by source.
SELECT source, runs, last_items, last_new_documents, last_errors, last_error_rate,
       runs_without_new, quiet, errors_jumped
FROM source_health
ORDER BY source;
