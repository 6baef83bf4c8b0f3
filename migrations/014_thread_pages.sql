-- 014, issue 8: the thread page keeps the articles of a page of posts between requests
-- (src/thread_cache.c) under two change counts moved by triggers, so that every writer (the
-- server, the command line, another process) makes a kept page stale:
--   thread_changes.n, one per thread: its posts (a reply, an edit, a deletion, stored HTML)
--     and the thread's own columns that its articles show (the accepted answer, whether it
--     is a question);
--   change_counts 'people': what an article shows of a member or their school (name, job
--     title, school, and the standing that decides whether a mention is still a link), and
--     who exists (a post without stored HTML is rendered as it is shown, its mentions looked
--     up by name).
-- Written to run again safely (IF NOT EXISTS), as `practica upgrade` of a stepped-back
-- database does.
CREATE TABLE IF NOT EXISTS thread_changes (
	thread_id INTEGER PRIMARY KEY,  -- no foreign key: a deleted thread's count stays, so a
	n         INTEGER NOT NULL      -- reused id never meets a page kept under its old count
);
INSERT OR IGNORE INTO change_counts (name, n, changed_at)
	VALUES ('people', 1, CAST(strftime('%s', 'now') AS INTEGER));

CREATE TRIGGER IF NOT EXISTS thread_changes_post_i AFTER INSERT ON posts BEGIN
	INSERT INTO thread_changes (thread_id, n) VALUES (NEW.thread_id, 1)
		ON CONFLICT (thread_id) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS thread_changes_post_u AFTER UPDATE ON posts BEGIN
	INSERT INTO thread_changes (thread_id, n) VALUES (NEW.thread_id, 1)
		ON CONFLICT (thread_id) DO UPDATE SET n = n + 1;
	INSERT INTO thread_changes (thread_id, n) SELECT OLD.thread_id, 1
		WHERE OLD.thread_id IS NOT NEW.thread_id
		ON CONFLICT (thread_id) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS thread_changes_post_d AFTER DELETE ON posts BEGIN
	INSERT INTO thread_changes (thread_id, n) VALUES (OLD.thread_id, 1)
		ON CONFLICT (thread_id) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS thread_changes_thread_u
	AFTER UPDATE OF answer_post_id, is_question ON threads BEGIN
	INSERT INTO thread_changes (thread_id, n) VALUES (NEW.id, 1)
		ON CONFLICT (thread_id) DO UPDATE SET n = n + 1; END;
CREATE TRIGGER IF NOT EXISTS thread_changes_thread_d AFTER DELETE ON threads BEGIN
	INSERT INTO thread_changes (thread_id, n) VALUES (OLD.id, 1)
		ON CONFLICT (thread_id) DO UPDATE SET n = n + 1; END;

CREATE TRIGGER IF NOT EXISTS people_changed_u
	AFTER UPDATE OF name, job_title, school_id, status ON users
	WHEN OLD.name IS NOT NEW.name OR OLD.job_title IS NOT NEW.job_title
		OR OLD.school_id IS NOT NEW.school_id OR OLD.status IS NOT NEW.status BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE name = 'people'; END;
CREATE TRIGGER IF NOT EXISTS people_changed_i AFTER INSERT ON users BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE name = 'people'; END;
CREATE TRIGGER IF NOT EXISTS people_changed_d AFTER DELETE ON users BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE name = 'people'; END;
CREATE TRIGGER IF NOT EXISTS people_schools_changed_u AFTER UPDATE OF name ON schools
	WHEN OLD.name IS NOT NEW.name BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE name = 'people'; END;
CREATE TRIGGER IF NOT EXISTS people_schools_changed_d AFTER DELETE ON schools BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER)
		WHERE name = 'people'; END;
