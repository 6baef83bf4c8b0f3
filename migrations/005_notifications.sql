-- 005: notifications and thread follows. Every member has an inbox: mentions, replies to
-- threads they follow, new materials and meetings in their communities, waitlist promotion.
-- A notification is written in the same transaction as the thing it announces.

CREATE TABLE notifications (
	id         INTEGER PRIMARY KEY,           -- newest last: the inbox lists by id descending
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind       TEXT NOT NULL
	           CHECK (kind IN ('mention', 'reply', 'material', 'meeting', 'promotion')),
	text       TEXT NOT NULL,                 -- plain text, e.g. "Ana Ruiz replied to ..."
	link       TEXT NOT NULL,                 -- a local path, e.g. "/threads/7#post-31"
	created_at INTEGER NOT NULL,
	read_at    INTEGER                        -- NULL while unread
);
-- The inbox, newest first.
CREATE INDEX notifications_inbox ON notifications(user_id, id);
-- The header's unread count on every page: a COUNT over this small partial index alone
-- (read_at is in it, always NULL, so the query never reads the table).
CREATE INDEX notifications_unread ON notifications(user_id, read_at) WHERE read_at IS NULL;

-- Who follows which thread. Posting in a thread follows it (unless the member unfollowed it
-- before: following = 0 remembers that choice); the follow button sets following = 1.
CREATE TABLE thread_follows (
	thread_id  INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	following  INTEGER NOT NULL DEFAULT 1 CHECK (following IN (0, 1)),
	changed_at INTEGER NOT NULL,
	PRIMARY KEY (thread_id, user_id)
) WITHOUT ROWID;
CREATE INDEX thread_follows_user ON thread_follows(user_id);
