-- Issue 8, phrase search (DECISIONS 117): search_index made again over the practica_pairs
-- tokenizer (src/search_pairs.c: porter's words, plus at each word the pair it starts), so
-- a quoted phrase is found through its pairs instead of walking the lists of its common
-- words. The tokenizer is registered on every connection this binary opens. The entries are
-- already in search_entries (migration 011), so FTS5 reads them again: about a minute for
-- 520,000 entries, which `practica upgrade` can run ahead of a restart.
DROP TABLE IF EXISTS search_index;
CREATE VIRTUAL TABLE search_index USING fts5(
	title, body, facets,
	content = 'search_entries', content_rowid = 'id',
	tokenize = 'practica_pairs'
);
INSERT INTO search_index (search_index) VALUES ('rebuild');
INSERT INTO search_index (search_index) VALUES ('optimize');
