-- candidate_mentions: the unlinked mentions that make a name a candidate for the watchlist, read
-- by the view emerging_entities and the weekly report's emerging section (one definition for
-- both). A mention counts when the NER model tagged it ORG, the watchlist does not list its name
-- under not_organisations, and the model does not tag that name as a place (LOC) more often
-- than as an organisation across the warehouse: "Hong Kong" in "the Hong Kong stock exchange"
-- is tagged ORG once and LOC everywhere else.
CREATE OR REPLACE VIEW candidate_mentions AS
WITH places AS (
    SELECT name_key
    FROM unlinked_mentions
    GROUP BY name_key
    HAVING count(*) FILTER (WHERE label = 'LOC') > count(*) FILTER (WHERE label = 'ORG')
)
SELECT u.*
FROM unlinked_mentions u
WHERE u.label = 'ORG'
  AND u.name_key NOT IN (SELECT name_key FROM not_organisations)
  AND u.name_key NOT IN (SELECT name_key FROM places);
COMMENT ON VIEW candidate_mentions IS 'Unlinked mentions that make a name a candidate for the watchlist: tagged ORG, not in not_organisations, and not tagged LOC more often than ORG across the warehouse. Read by emerging_entities and the weekly report.';
