-- Relationships proposed by events are rewritten as a whole after each merge.
DELETE FROM relationships WHERE origin = 'event';
