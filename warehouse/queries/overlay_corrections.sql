-- A reader's overlay (warehouse.journal.overlay_journal): a temporary `corrections`, which the
-- views read in place of the snapshot's table (temporary objects come first in name lookup),
-- starting with the snapshot's decisions; the journal's are inserted next
-- (insert_correction.sql). The copy is taken before the temporary table exists, as from then on
-- the name means the temporary table.
CREATE OR REPLACE TEMP TABLE snapshot_corrections AS SELECT * FROM corrections;
CREATE OR REPLACE TEMP TABLE corrections AS SELECT * FROM snapshot_corrections;
ALTER TABLE corrections ADD PRIMARY KEY (correction_id);
DROP TABLE snapshot_corrections;
