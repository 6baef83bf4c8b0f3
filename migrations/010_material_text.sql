-- Meeting materials are searchable by the words inside them, like library documents: the
-- file's text is kept with the material (extracted once, at upload), and the index is rebuilt
-- on the next start so materials uploaded before this version are found too (their text is
-- empty until re-uploaded: extraction needs the upload's file type handling).
ALTER TABLE meeting_materials ADD COLUMN text TEXT NOT NULL DEFAULT '';
INSERT OR REPLACE INTO settings (key, value) VALUES ('search_rebuild', 1);
