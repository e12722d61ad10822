-- Names the watchlist declares not to be organisations (generic words, product lines, places
-- that the NER model tags ORG): the view emerging_entities leaves them out.

CREATE TABLE not_organisations (
    name_key VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL
);
COMMENT ON TABLE not_organisations IS 'Names the NER model tags as organisations that are none (watchlist.yaml, not_organisations): kept in unlinked_mentions, left out of emerging_entities. Replaced on every watchlist sync.';
COMMENT ON COLUMN not_organisations.name_key IS 'Normalised name, as in unlinked_mentions.name_key.';
COMMENT ON COLUMN not_organisations.name IS 'The name as written in the watchlist.';

-- The one table without a comment so far (created before the first migration runs).
COMMENT ON TABLE schema_migrations IS 'Migrations applied to this warehouse (warehouse/migrations/NNN_name.sql), in order.';
