-- 008: accountability and privacy. The audit log of staff and facilitator actions, one-time
-- password reset links, and deleted (anonymised) accounts. Times are Unix seconds (UTC).

-- Who did what, when and from where. Names are snapshots taken when the action happened, so
-- the log still reads after an account changes or goes; deleting a member replaces their
-- snapshots with "Former member" (privacy.c). actor_id NULL: the command line or a deleted row.
CREATE TABLE audit_log (
	id           INTEGER PRIMARY KEY,
	at           INTEGER NOT NULL,
	actor_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor_name   TEXT NOT NULL,
	address      TEXT NOT NULL DEFAULT '',     -- the client address the request came from
	action       TEXT NOT NULL,                -- e.g. "user.approve", "roster.export"
	subject_id   INTEGER REFERENCES users(id) ON DELETE SET NULL, -- the person acted on, if any
	subject_name TEXT NOT NULL DEFAULT '',
	detail       TEXT NOT NULL DEFAULT ''      -- plain text, e.g. "community principals"
);
CREATE INDEX audit_log_at ON audit_log(at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at DESC);
CREATE INDEX audit_log_action ON audit_log(action, at DESC);
CREATE INDEX audit_log_subject ON audit_log(subject_id);

-- A password reset link an admin issued. The link holds a random token; only its hash is kept.
-- It works once (used_at) and until expires_at; issuing a new one for the same account
-- replaces the old (one row per account).
CREATE TABLE password_resets (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	issued_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	used_at    INTEGER
);

-- A deleted member's row stays, emptied of personal data, so what they wrote stays attributed
-- to "Former member" (posts.author_id and others point at it). deleted_at marks it: it cannot
-- sign in, be enabled again, or appear in account lists.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
