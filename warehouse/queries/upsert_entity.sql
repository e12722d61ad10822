-- A watchlist entity. Positional: entity_id, name, type, country, description, in_watchlist.
INSERT OR REPLACE INTO entities VALUES (?, ?, ?, ?, ?, ?);
