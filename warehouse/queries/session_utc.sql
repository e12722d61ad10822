-- Every connection reads and writes timestamps in UTC.
SET TimeZone = 'UTC';
