-- 001: the foundation. Member schools, accounts, sessions, login throttling, site settings.
-- Times are Unix seconds (UTC) in INTEGER columns.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) WITHOUT ROWID;

-- Member schools and other member organizations (networks, partners).
CREATE TABLE schools (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
	kind       TEXT NOT NULL DEFAULT 'school' CHECK (kind IN ('school', 'network', 'partner')),
	city       TEXT NOT NULL DEFAULT '',
	status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lapsed')),
	created_at INTEGER NOT NULL
);

-- Accounts. role: admin = association staff, member = staff of a member school.
-- status: pending until an admin approves; disabled accounts cannot sign in.
-- Admins may have no school; everyone else belongs to one.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	email         TEXT NOT NULL COLLATE NOCASE UNIQUE,
	name          TEXT NOT NULL,
	job_title     TEXT NOT NULL DEFAULT '',
	school_id     INTEGER REFERENCES schools(id) ON DELETE RESTRICT,
	role          TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
	status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled')),
	password_hash TEXT NOT NULL,
	created_at    INTEGER NOT NULL,
	approved_at   INTEGER,
	approved_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	CHECK (role = 'admin' OR school_id IS NOT NULL)
);
CREATE INDEX users_school ON users(school_id);
CREATE INDEX users_status ON users(status, created_at);

-- Sessions: the cookie holds a random token; only its BLAKE2b hash is stored.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, by account email and by client address, for throttling.
CREATE TABLE login_failures (
	id     INTEGER PRIMARY KEY,
	scope  TEXT NOT NULL CHECK (scope IN ('email', 'address')),
	key    TEXT NOT NULL COLLATE NOCASE,
	at     INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(scope, key, at);
