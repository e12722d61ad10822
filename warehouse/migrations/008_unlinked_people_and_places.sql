-- unlinked_mentions keeps the people (PER) and places (LOC) the NER model finds outside the
-- watchlist, beside the organisations: analysts ask who and where the news names, and the view
-- candidate_mentions uses the places to leave out a place the model now and then tags ORG.

COMMENT ON TABLE unlinked_mentions IS 'Organisations (ORG), people (PER) and places (LOC) the NER model found that match no watchlist entity. The organisations are candidates for the watchlist (views candidate_mentions, emerging_entities).';
COMMENT ON COLUMN unlinked_mentions.label IS 'NER type: ORG, PER or LOC.';
COMMENT ON COLUMN unlinked_mentions.name_key IS 'Normalised name (case-folded, legal suffixes and possessives removed) that groups spellings of one name.';
