-- 004: discussion boards. Each community has a board; community_id NULL is the
-- association-wide "All communities" board. A thread's opening post is its first row in
-- posts; replies follow in id order. Times are Unix seconds (UTC).

-- open: every member may read the community's board and space; private: only its
-- participants, facilitators and admins.
ALTER TABLE communities ADD COLUMN visibility TEXT NOT NULL DEFAULT 'open'
	CHECK (visibility IN ('open', 'private'));

CREATE TABLE threads (
	id             INTEGER PRIMARY KEY,
	community_id   INTEGER REFERENCES communities(id) ON DELETE CASCADE, -- NULL: all communities
	author_id      INTEGER NOT NULL REFERENCES users(id),
	title          TEXT NOT NULL,
	is_question    INTEGER NOT NULL DEFAULT 0 CHECK (is_question IN (0, 1)),
	answer_post_id INTEGER REFERENCES posts(id) ON DELETE SET NULL,
	answered_by    INTEGER REFERENCES users(id),
	created_at     INTEGER NOT NULL,
	-- Kept up to date by every write to the thread's posts, so the board never counts or
	-- sorts posts: last_post_at orders the board, last_post_id drives unread markers.
	last_post_at   INTEGER NOT NULL,
	last_post_id   INTEGER NOT NULL DEFAULT 0,
	reply_count    INTEGER NOT NULL DEFAULT 0 CHECK (reply_count >= 0) -- replies not deleted
);
-- A board page is one range of this index (community_id IS NULL works for the all board).
CREATE INDEX threads_board ON threads(community_id, last_post_at DESC, id DESC);
CREATE INDEX threads_author ON threads(author_id);
-- "Recent discussions" across every board a member may read.
CREATE INDEX threads_recent ON threads(last_post_at DESC, id DESC);

-- A deleted post keeps its row (body emptied) so the thread shows "deleted by X on date".
CREATE TABLE posts (
	id         INTEGER PRIMARY KEY,
	thread_id  INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	author_id  INTEGER NOT NULL REFERENCES users(id),
	body       TEXT NOT NULL,                 -- Markdown
	created_at INTEGER NOT NULL,
	edited_at  INTEGER,
	deleted_at INTEGER,
	deleted_by INTEGER REFERENCES users(id),
	CHECK ((deleted_at IS NULL) = (deleted_by IS NULL))
);
CREATE INDEX posts_thread ON posts(thread_id, id);
CREATE INDEX posts_author ON posts(author_id, id);

-- Cross-posting: the thread appears on another community's board too; nothing is copied.
-- last_post_at mirrors the thread's so a board page stays one index range per source.
CREATE TABLE thread_shares (
	id           INTEGER PRIMARY KEY,
	thread_id    INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
	shared_by    INTEGER NOT NULL REFERENCES users(id),
	shared_at    INTEGER NOT NULL,
	last_post_at INTEGER NOT NULL,
	UNIQUE (thread_id, community_id)
);
CREATE INDEX thread_shares_board ON thread_shares(community_id, last_post_at DESC, thread_id DESC);

-- The newest post each member has seen in a thread, for unread markers.
CREATE TABLE thread_reads (
	user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	thread_id         INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	last_read_post_id INTEGER NOT NULL,
	PRIMARY KEY (user_id, thread_id)
) WITHOUT ROWID;
CREATE INDEX thread_reads_thread ON thread_reads(thread_id);

-- Who a post mentions, so an edit notifies only the newly mentioned.
CREATE TABLE post_mentions (
	post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;
CREATE INDEX post_mentions_user ON post_mentions(user_id);

-- @mentions look members up by display name, case-insensitively.
CREATE INDEX users_name ON users(name COLLATE NOCASE);
