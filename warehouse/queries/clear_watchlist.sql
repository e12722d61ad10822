-- Before the watchlist is synced again: no entity is in it, and its aliases, non-organisation
-- names and curated relationships are gone (entities stay: mentions refer to them).
UPDATE entities SET in_watchlist = false;
DELETE FROM aliases;
DELETE FROM not_organisations;
DELETE FROM relationships WHERE origin = 'watchlist';
