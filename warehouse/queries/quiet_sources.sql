-- Sources flagged quiet by the source_health view (no new document in their last runs), with
-- how many runs brought nothing new; by source (the hint at the end of `carintel run`'s load).
SELECT source, runs_without_new FROM source_health WHERE quiet ORDER BY source;
