-- Write the WAL into the database file before it is copied as the read snapshot.
CHECKPOINT;
