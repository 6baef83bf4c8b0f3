-- 007: search. One FTS5 index over discussions, documents, resources, meetings and
-- communities (src/search.c writes it; src/search_page.c reads it).
--
-- search_entries holds each entry: the facts for finding it again by (kind, ref_id), for the
-- visibility check and for showing the result, and the indexed text. search_index is an
-- FTS5 index over its title, body and facets (external content: the text is stored once,
-- here, and snippet() reads it from here). Why not FTS5 UNINDEXED columns for the facts:
-- FTS5 cannot look a row up by an unindexed column, so every put and remove by
-- (kind, ref_id) would scan the whole index. src/search.c keeps the two in step: every
-- change deletes the old row's tokens ('delete' with the old values) and inserts the new.
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
	-- Indexed, plain text (Markdown is flattened before it gets here):
	title        TEXT NOT NULL,                -- the heading, except '' for replies
	body         TEXT NOT NULL,
	-- Filter tokens, never shown, weighted 0 in ranking: "k<kind>" (kthread, kpost,
	-- kdocument, kresource, kmeeting, kcommunity), "c<community id>" (c0: association-wide)
	-- and, when restricted, "r<community id>". Filters by kind, community and visibility
	-- are then part of the MATCH expression: FTS5 intersects doclists instead of looking
	-- every candidate up here.
	facets       TEXT NOT NULL,
	UNIQUE (kind, ref_id)
);
CREATE INDEX search_entries_community ON search_entries(community_id, kind);
-- The communities that have restricted entries, for a member's visibility filter.
CREATE INDEX search_entries_restricted ON search_entries(community_id) WHERE restricted = 1;

-- porter: "budgets" finds "budget"; remove_diacritics 2: "resume" finds "résumé".
CREATE VIRTUAL TABLE search_index USING fts5(
	title, body, facets,
	content = 'search_entries', content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Communities and meetings that exist before this migration (and everything else) are
-- indexed by the next `practica serve` or `practica reindex`: Markdown is flattened in C,
-- which SQL cannot do, and reindex is the one code path that builds every entry.
INSERT OR REPLACE INTO settings (key, value) VALUES ('search_rebuild', 1);
