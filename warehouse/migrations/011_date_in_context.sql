-- An undated sentence inside a paragraph that an earlier sentence dated well before
-- publication is background (enrich.events.date_in_context): date source 'context', no date.

COMMENT ON COLUMN event_reports.date_source IS 'sentence (the sentence dates it) | publication (undated: the publication date) | context (undated, in a paragraph dated well before publication: background, no date) | unknown';
COMMENT ON COLUMN timeline_events.date_source IS 'sentence | publication | context | unknown (as event_reports.date_source)';
COMMENT ON COLUMN timeline_events.background IS 'True when the sentence, or the paragraph around an undated sentence, dates the event well before its first report (enrich.events.NEW_WINDOW_DAYS): background the articles recall, not a new development.';
