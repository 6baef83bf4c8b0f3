-- 003: meetings and their agendas, RSVPs, attendance, materials and highlights; the one file
-- store; private calendar feed tokens. Times are Unix seconds (UTC), shown in the
-- association's time zone (config: timezone).

-- Every file Practica keeps (meeting materials now, the document library later). The bytes
-- live in the database, so a backup is one file and a transaction covers a file with the
-- record that points at it.
CREATE TABLE files (
	id           INTEGER PRIMARY KEY,
	name         TEXT NOT NULL,               -- the uploader's file name, for downloads
	content_type TEXT NOT NULL,               -- decided from the content, not the name
	size         INTEGER NOT NULL CHECK (size >= 0),
	sha256       BLOB NOT NULL,
	data         BLOB NOT NULL,
	uploaded_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL
);

-- A recurring series ("monthly call, 2nd Tuesday, 3:00-4:30 pm, Oct-May") made in one step;
-- its meetings are ordinary rows, each editable afterwards.
CREATE TABLE meeting_series (
	id           INTEGER PRIMARY KEY,
	community_id INTEGER REFERENCES communities(id) ON DELETE CASCADE,
	title        TEXT NOT NULL,
	rule         TEXT NOT NULL,               -- how it was described, e.g. "2nd Tuesday monthly"
	created_at   INTEGER NOT NULL
);

-- community_id NULL: an association-wide meeting (e.g. a kick-off for all groups).
CREATE TABLE meetings (
	id           INTEGER PRIMARY KEY,
	community_id INTEGER REFERENCES communities(id) ON DELETE CASCADE,
	series_id    INTEGER REFERENCES meeting_series(id) ON DELETE SET NULL,
	number       INTEGER CHECK (number IS NULL OR number > 0),   -- "Meeting #3"
	title        TEXT NOT NULL,
	starts_at    INTEGER NOT NULL,
	ends_at      INTEGER NOT NULL,
	format       TEXT NOT NULL DEFAULT 'virtual' CHECK (format IN ('in_person', 'virtual', 'hybrid')),
	venue        TEXT NOT NULL DEFAULT '',
	address      TEXT NOT NULL DEFAULT '',
	video_url    TEXT NOT NULL DEFAULT '',
	mandatory    INTEGER NOT NULL DEFAULT 0 CHECK (mandatory IN (0, 1)),
	purpose      TEXT NOT NULL DEFAULT '',    -- Markdown
	highlights   TEXT NOT NULL DEFAULT '',    -- Markdown, written after the meeting
	status       TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
	seat_limit   INTEGER CHECK (seat_limit IS NULL OR seat_limit > 0),
	signin_code  TEXT NOT NULL,               -- short code members type to sign themselves in
	uid          TEXT NOT NULL UNIQUE,        -- iCalendar UID, stable across edits
	sequence     INTEGER NOT NULL DEFAULT 0,  -- iCalendar SEQUENCE, bumped on each change
	created_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_community ON meetings(community_id, starts_at);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE agenda_items (
	id         INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	starts_at  INTEGER,                       -- optional clock time of the item
	minutes    INTEGER CHECK (minutes IS NULL OR minutes > 0),
	title      TEXT NOT NULL,
	kind       TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('welcome', 'presentation',
	           'problem_of_practice', 'breakout', 'discussion', 'wellness_break', 'field_trip',
	           'other')),
	presenters TEXT NOT NULL DEFAULT '',      -- members or guests, as written
	room       TEXT NOT NULL DEFAULT '',      -- "Superintendents: Room A"
	notes      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agenda_items_meeting ON agenda_items(meeting_id, position);

CREATE TABLE rsvps (
	meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	answer      TEXT NOT NULL CHECK (answer IN ('going', 'not_going')),
	answered_at INTEGER NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;

CREATE TABLE attendance (
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	method     TEXT NOT NULL CHECK (method IN ('checklist', 'code')),
	marked_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
	marked_at  INTEGER NOT NULL,
	PRIMARY KEY (meeting_id, user_id)
) WITHOUT ROWID;
CREATE INDEX attendance_user ON attendance(user_id);

CREATE TABLE meeting_materials (
	id         INTEGER PRIMARY KEY,
	meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
	file_id    INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
	title      TEXT NOT NULL,
	added_by   INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX meeting_materials_meeting ON meeting_materials(meeting_id, id);

-- A member's private calendar subscription: the URL holds a token; only its hash is kept.
CREATE TABLE calendar_tokens (
	user_id    INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);
