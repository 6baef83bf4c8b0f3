-- 002: Communities of Practice and the program year: years and their key dates, communities
-- with facilitators, participant sign-up with seats and a waitlist, the facilitator call for
-- proposals. Dates people pick are 'YYYY-MM-DD' text; event times are Unix seconds.

CREATE TABLE program_years (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,          -- e.g. "2020-2021"
	starts_on  TEXT NOT NULL,
	ends_on    TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	CHECK (starts_on <= ends_on)
);

-- The year's timeline: facilitator call opens, proposals due, sign-up opens, kick-off...
CREATE TABLE milestones (
	id        INTEGER PRIMARY KEY,
	year_id   INTEGER NOT NULL REFERENCES program_years(id) ON DELETE CASCADE,
	title     TEXT NOT NULL,
	on_date   TEXT NOT NULL,
	time_note TEXT NOT NULL DEFAULT '',      -- "3:00 - 4:30 p.m. EST"
	place     TEXT NOT NULL DEFAULT '',
	note      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX milestones_year ON milestones(year_id, on_date, id);

CREATE TABLE communities (
	id            INTEGER PRIMARY KEY,
	slug          TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL COLLATE NOCASE,
	audience      TEXT NOT NULL DEFAULT '',   -- the job-alike role, e.g. "School Nurses"
	kind          TEXT NOT NULL DEFAULT 'ongoing' CHECK (kind IN ('ongoing', 'cohort')),
	description   TEXT NOT NULL DEFAULT '',   -- Markdown
	status        TEXT NOT NULL DEFAULT 'proposed'
	              CHECK (status IN ('proposed', 'open', 'active', 'archived')),
	year_id       INTEGER REFERENCES program_years(id) ON DELETE SET NULL,
	seat_limit    INTEGER CHECK (seat_limit IS NULL OR seat_limit > 0),
	signup_opens  TEXT,                       -- first day of sign-up
	soft_deadline TEXT,                       -- asked-for date; sign-up stays open after it
	signup_closes TEXT,                       -- last day of sign-up
	commitment    TEXT NOT NULL DEFAULT '',   -- what a participant agrees to
	created_at    INTEGER NOT NULL
);
CREATE INDEX communities_status ON communities(status, name);

-- Facilitators and co-facilitators: members, or guests named with their organization.
CREATE TABLE facilitators (
	id           INTEGER PRIMARY KEY,
	community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
	user_id      INTEGER REFERENCES users(id) ON DELETE CASCADE,
	guest_name   TEXT,
	guest_org    TEXT NOT NULL DEFAULT '',
	role         TEXT NOT NULL DEFAULT 'facilitator'
	             CHECK (role IN ('facilitator', 'co-facilitator')),
	CHECK ((user_id IS NULL) != (guest_name IS NULL))
);
CREATE UNIQUE INDEX facilitators_member ON facilitators(community_id, user_id)
	WHERE user_id IS NOT NULL;
CREATE INDEX facilitators_user ON facilitators(user_id);

-- Sign-ups. The waitlist is in id order: a later sign-up has a larger id. Withdrawn rows are
-- kept as history; signing up again replaces the row (and so goes to the end of the line).
CREATE TABLE memberships (
	id           INTEGER PRIMARY KEY,
	community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	status       TEXT NOT NULL CHECK (status IN ('participant', 'waitlisted', 'withdrawn')),
	signed_up_at INTEGER NOT NULL,
	promoted_at  INTEGER,                     -- moved from the waitlist to a seat
	withdrawn_at INTEGER,
	UNIQUE (community_id, user_id)
);
CREATE INDEX memberships_community ON memberships(community_id, status, id);
CREATE INDEX memberships_user ON memberships(user_id, status);

-- The call for facilitator proposals of a program year.
CREATE TABLE calls (
	id           INTEGER PRIMARY KEY,
	year_id      INTEGER NOT NULL REFERENCES program_years(id) ON DELETE CASCADE,
	title        TEXT NOT NULL,
	description  TEXT NOT NULL DEFAULT '',    -- Markdown
	expectations TEXT NOT NULL DEFAULT '',    -- Markdown
	stipend      TEXT NOT NULL DEFAULT '',    -- "$7,000"
	due_on       TEXT NOT NULL,               -- last day proposals are accepted
	created_at   INTEGER NOT NULL
);

CREATE TABLE proposals (
	id               INTEGER PRIMARY KEY,
	call_id          INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
	user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	title            TEXT NOT NULL,
	summary          TEXT NOT NULL DEFAULT '',
	audience         TEXT NOT NULL DEFAULT '',
	objectives       TEXT NOT NULL DEFAULT '',
	format           TEXT NOT NULL DEFAULT '',   -- format and proposed schedule
	final_product    TEXT NOT NULL DEFAULT '',
	status           TEXT NOT NULL DEFAULT 'submitted'
	                 CHECK (status IN ('submitted', 'accepted', 'declined')),
	decision_message TEXT NOT NULL DEFAULT '',
	decided_by       INTEGER REFERENCES users(id) ON DELETE SET NULL,
	decided_at       INTEGER,
	community_id     INTEGER REFERENCES communities(id) ON DELETE SET NULL,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL
);
CREATE INDEX proposals_call ON proposals(call_id, status);
CREATE INDEX proposals_user ON proposals(user_id);

CREATE TABLE proposal_comments (
	id          INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	body        TEXT NOT NULL,
	created_at  INTEGER NOT NULL
);
CREATE INDEX proposal_comments_proposal ON proposal_comments(proposal_id, id);
