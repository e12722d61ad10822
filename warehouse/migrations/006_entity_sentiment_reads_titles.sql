-- Entity sentiment reads the headline too (enrichment pipeline-4): the column comments say so.

COMMENT ON COLUMN entity_sentiment.polarity IS 'P(positive) - P(negative) toward the entity, from -1 to 1: the weighted mean over the title (weight 2) and the text sentences that mention it.';
COMMENT ON COLUMN entity_sentiment.sentences IS 'How many sentences were classified for the entity: the title if it names the entity, and the text sentences that do (at most 8 in all).';
