-- 011: search speed (issue 8; docs/DECISIONS.md 91-95, docs/PERFORMANCE.md). The index is
-- built anew: the next start (or `practica upgrade`, `practica reindex`) rebuilds it from the
-- source tables (src/search.c search_reindex), so nothing here copies old entries.
-- It may run again on a database that has it (`practica upgrade` of one stepped back):
-- everything it makes is dropped first.
DROP TABLE IF EXISTS search_titles;
DROP TABLE search_index;
DROP TABLE search_entries;

-- As in 007, with one repair: databases created before meeting materials were searchable
-- kept a CHECK without 'material', so every material failed to index on them.
-- The filter tokens in facets now start with a private-use character (U+E000) that neither
-- indexed text nor a member's query can contain, so queries need no column filter (which
-- made FTS5 decode the positions of every row a phrase's words share), and a restricted
-- entry carries one "restricted" token besides "restricted to community c" (src/search.c
-- facets_of). The partial index of restricted entries' communities is gone with the query
-- that used it (a member's query now names the member's own communities).
CREATE TABLE search_entries (
	id           INTEGER PRIMARY KEY,          -- the rowid in search_index
	kind         TEXT NOT NULL CHECK (kind IN ('thread', 'post', 'document', 'resource',
	                                            'meeting', 'community', 'material')),
	ref_id       INTEGER NOT NULL,             -- the row's id in its own table
	community_id INTEGER,                      -- NULL: association-wide
	restricted   INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
	heading      TEXT NOT NULL,                -- shown as the result's heading
	url          TEXT NOT NULL,                -- local path the result links to
	updated_at   INTEGER NOT NULL,
	title        TEXT NOT NULL,                -- the heading, except '' for replies
	body         TEXT NOT NULL,
	facets       TEXT NOT NULL,                -- filter tokens, never shown
	UNIQUE (kind, ref_id)
);
CREATE INDEX search_entries_community ON search_entries(community_id, kind);

CREATE VIRTUAL TABLE search_index USING fts5(
	title, body, facets,
	content = 'search_entries', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- search_titles: the titles alone, with the same filter tokens (external content over
-- search_entries like search_index, but holding only the entries that have a title: replies
-- have none). When a common word has more matches than are ranked, the older entries with
-- the word in their title are found here (kind, community and visibility filters included);
-- asking search_index for "the word in the title column" walked the word's whole list of
-- matches, which mixes every column. src/search.c writes both in the same transaction.
CREATE VIRTUAL TABLE search_titles USING fts5(
	title, facets,
	content = 'search_entries', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT OR REPLACE INTO settings (key, value) VALUES ('search_rebuild', 1);
