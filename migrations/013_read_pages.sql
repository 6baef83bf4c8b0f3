-- Issue 8, the reading pages: a count of changes to what the community directory, the
-- calendar and the iCalendar feeds show, kept by triggers so that every writer (the server,
-- the command line, another process) moves it. Pages cache what they built under the count
-- they read before building, and feeds answer 304 Not Modified while it stands. Written to
-- run again safely (IF NOT EXISTS), as `practica upgrade` of a stepped-back database does.
CREATE TABLE IF NOT EXISTS change_counts (
	name       TEXT PRIMARY KEY,
	n          INTEGER NOT NULL DEFAULT 0,
	changed_at INTEGER NOT NULL DEFAULT 0  -- Unix time of the latest change
) WITHOUT ROWID;
INSERT OR IGNORE INTO change_counts (name, n, changed_at)
	VALUES ('communities', 1, CAST(strftime('%s', 'now') AS INTEGER));

-- Every table whose rows these pages show, and for members and schools the columns shown or
-- deciding who sees what (a facilitator's name and school, an account's standing).
CREATE TRIGGER IF NOT EXISTS communities_changed_i AFTER INSERT ON communities BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS communities_changed_u AFTER UPDATE ON communities BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS communities_changed_d AFTER DELETE ON communities BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS memberships_changed_i AFTER INSERT ON memberships BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS memberships_changed_u AFTER UPDATE ON memberships BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS memberships_changed_d AFTER DELETE ON memberships BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS facilitators_changed_i AFTER INSERT ON facilitators BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS facilitators_changed_u AFTER UPDATE ON facilitators BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS facilitators_changed_d AFTER DELETE ON facilitators BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS meetings_changed_i AFTER INSERT ON meetings BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS meetings_changed_u AFTER UPDATE ON meetings BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS meetings_changed_d AFTER DELETE ON meetings BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS program_years_changed_i AFTER INSERT ON program_years BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS program_years_changed_u AFTER UPDATE ON program_years BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS program_years_changed_d AFTER DELETE ON program_years BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS users_changed_u AFTER UPDATE OF name, status, role, school_id ON users BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS users_changed_d AFTER DELETE ON users BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS schools_changed_u AFTER UPDATE OF name, status ON schools BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS schools_changed_d AFTER DELETE ON schools BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS settings_changed_i AFTER INSERT ON settings WHEN NEW.key LIKE 'brand%' BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS settings_changed_u AFTER UPDATE ON settings WHEN NEW.key LIKE 'brand%' OR OLD.key LIKE 'brand%' BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
CREATE TRIGGER IF NOT EXISTS settings_changed_d AFTER DELETE ON settings WHEN OLD.key LIKE 'brand%' BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'communities'; END;
