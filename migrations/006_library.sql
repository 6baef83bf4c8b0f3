-- 006: the document library, and the file store made content-addressed.
--
-- File bytes move out of `files` into `blobs`, one row per distinct SHA-256: the same bytes
-- uploaded twice (a template shared in three communities, a new "version" that did not
-- change) are stored once. `files` keeps what belongs to one upload: its name, type, size,
-- uploader and time, and the digest naming its bytes. Triggers keep the two consistent: a
-- file row cannot name bytes that are not stored, and bytes nobody names any more go.

-- AUTOINCREMENT: a blob's id is never reused, so a download reading a blob piece by piece
-- (each piece in its own short read) can never read another file's bytes after a delete.
CREATE TABLE blobs (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	sha256 BLOB NOT NULL UNIQUE CHECK (length(sha256) = 32),
	size   INTEGER NOT NULL CHECK (size >= 0)
);
-- The bytes, in pieces of 64 KiB (the last one shorter). One 25 MB value would be a chain of
-- thousands of overflow pages that SQLite walks from its start for every read at an offset,
-- so a download read in pieces would cost time in the square of the file's size; a piece
-- is one indexed row, read in one short transaction.
CREATE TABLE blob_chunks (
	id      INTEGER PRIMARY KEY,
	blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
	seq     INTEGER NOT NULL CHECK (seq >= 0),
	data    BLOB NOT NULL,
	UNIQUE (blob_id, seq)
);

-- Existing files: their digests were computed by file_store() from the bytes, so the same
-- digest means the same bytes; the oldest copy is kept, cut into pieces.
INSERT INTO blobs (sha256, size)
	SELECT sha256, size FROM files
	WHERE id IN (SELECT min(id) FROM files GROUP BY sha256)
	ORDER BY id;
WITH RECURSIVE pieces(blob_id, seq, size) AS (
	SELECT id, 0, size FROM blobs
	UNION ALL
	SELECT blob_id, seq + 1, size FROM pieces WHERE (seq + 1) * 65536 < size
)
INSERT INTO blob_chunks (blob_id, seq, data)
	SELECT p.blob_id, p.seq, substr(f.data, p.seq * 65536 + 1, 65536)
	FROM pieces p JOIN blobs b ON b.id = p.blob_id
	JOIN files f ON f.id = (SELECT min(id) FROM files WHERE sha256 = b.sha256)
	ORDER BY p.blob_id, p.seq;
ALTER TABLE files DROP COLUMN data;
CREATE INDEX files_sha256 ON files(sha256);

CREATE TRIGGER files_need_blob BEFORE INSERT ON files
	WHEN NOT EXISTS (SELECT 1 FROM blobs WHERE sha256 = NEW.sha256)
BEGIN
	SELECT RAISE(ABORT, 'a file must name stored bytes');
END;

CREATE TRIGGER files_release_blob AFTER DELETE ON files
BEGIN
	DELETE FROM blobs WHERE sha256 = OLD.sha256
		AND NOT EXISTS (SELECT 1 FROM files WHERE sha256 = OLD.sha256);
END;

-- A meeting deleted (or a material row removed any other way) takes its file along; the
-- download route finds a file's material by file_id.
CREATE INDEX meeting_materials_file ON meeting_materials(file_id);
CREATE TRIGGER meeting_materials_release_file AFTER DELETE ON meeting_materials
BEGIN
	DELETE FROM files WHERE id = OLD.file_id;
END;

-- ---- the library ----

CREATE TABLE library_categories (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
	description TEXT NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
-- The seeds' "model documents and templates ... accountability, financial management,
-- human resource management, and governance".
INSERT INTO library_categories (name, description, created_at) VALUES
	('Accountability', 'Accountability plans, goals and reporting to authorizers and boards.',
	 strftime('%s', 'now')),
	('Financial management', 'Budgets, financial policies, audits and cash-flow tools.',
	 strftime('%s', 'now')),
	('Human resources', 'Hiring, onboarding, evaluation and staff handbooks.',
	 strftime('%s', 'now')),
	('Governance', 'Board policies, bylaws, committee charters and meeting templates.',
	 strftime('%s', 'now'));

-- Documents (uploaded files, with versions) and resources (shared links) are both library
-- items: they are listed, tagged, rated, searched and guarded the same way.
CREATE TABLE library_items (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL CHECK (kind IN ('document', 'resource')),
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',   -- Markdown
	url          TEXT,                       -- resources: an http or https address
	category_id  INTEGER REFERENCES library_categories(id) ON DELETE SET NULL,
	-- NULL: every member sees it; else only the community's participants, facilitators and
	-- admins (a community folder document).
	community_id INTEGER REFERENCES communities(id) ON DELETE CASCADE,
	created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	-- Kept by the library_ratings triggers below, so the list sorts by rating from an index
	-- instead of averaging every item's ratings on each page view.
	rating_avg   REAL NOT NULL DEFAULT 0,    -- 0 when unrated
	rating_count INTEGER NOT NULL DEFAULT 0,
	CHECK ((kind = 'resource') = (url IS NOT NULL))
);
-- One index per order the list offers (newest, title, rating), and for the filters.
CREATE INDEX library_items_recent ON library_items(created_at DESC, id DESC);
CREATE INDEX library_items_title ON library_items(title COLLATE NOCASE, id);
CREATE INDEX library_items_rating
	ON library_items(rating_avg DESC, rating_count DESC, created_at DESC, id DESC);
CREATE INDEX library_items_category ON library_items(category_id, created_at DESC, id DESC);
CREATE INDEX library_items_community ON library_items(community_id, created_at DESC, id DESC);

-- A document's versions, numbered from 1; the highest number is the current one. Each keeps
-- its own file (and so its own download) and says who changed what.
CREATE TABLE library_versions (
	id          INTEGER PRIMARY KEY,
	item_id     INTEGER NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
	number      INTEGER NOT NULL CHECK (number >= 1),
	file_id     INTEGER NOT NULL REFERENCES files(id),
	note        TEXT NOT NULL DEFAULT '',     -- "Updated the budget for FY27"
	text        TEXT NOT NULL DEFAULT '',     -- the file's text, for the search index
	uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at  INTEGER NOT NULL,
	UNIQUE (item_id, number)
);
CREATE INDEX library_versions_file ON library_versions(file_id);

CREATE TRIGGER library_versions_release_file AFTER DELETE ON library_versions
BEGIN
	DELETE FROM files WHERE id = OLD.file_id;
END;

-- Tags: lower-case words or short phrases.
CREATE TABLE library_tags (
	item_id INTEGER NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
	tag     TEXT NOT NULL,
	PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;
CREATE INDEX library_tags_tag ON library_tags(tag, item_id);

-- One rating per member per item, changeable.
CREATE TABLE library_ratings (
	item_id    INTEGER NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
	review     TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (item_id, user_id)
) WITHOUT ROWID;

CREATE TRIGGER library_ratings_added AFTER INSERT ON library_ratings
BEGIN
	UPDATE library_items SET
		rating_avg = (SELECT avg(stars) FROM library_ratings WHERE item_id = NEW.item_id),
		rating_count = (SELECT count(*) FROM library_ratings WHERE item_id = NEW.item_id)
	WHERE id = NEW.item_id;
END;
CREATE TRIGGER library_ratings_changed AFTER UPDATE OF stars ON library_ratings
BEGIN
	UPDATE library_items SET
		rating_avg = (SELECT avg(stars) FROM library_ratings WHERE item_id = NEW.item_id)
	WHERE id = NEW.item_id;
END;
CREATE TRIGGER library_ratings_removed AFTER DELETE ON library_ratings
BEGIN
	UPDATE library_items SET
		rating_avg = coalesce((SELECT avg(stars) FROM library_ratings
				       WHERE item_id = OLD.item_id), 0),
		rating_count = (SELECT count(*) FROM library_ratings WHERE item_id = OLD.item_id)
	WHERE id = OLD.item_id;
END;
