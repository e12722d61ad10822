-- carintel status: documents, sources, linked entities, mentions, newest publication day.
SELECT (SELECT count(*) FROM documents),
       (SELECT count(DISTINCT source) FROM documents),
       (SELECT count(DISTINCT entity_id) FROM mentions),
       (SELECT count(*) FROM mentions),
       (SELECT max(day) FROM timeline);
