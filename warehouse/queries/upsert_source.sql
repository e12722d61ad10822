INSERT INTO sources VALUES ($name, $kind, $url, $seen_at, $seen_at)
ON CONFLICT (name) DO UPDATE SET
    kind = excluded.kind,
    url = excluded.url,
    first_seen_at = least(sources.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(sources.last_seen_at, excluded.last_seen_at);
