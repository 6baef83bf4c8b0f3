-- 015, issue 8: the board pages keep their first pages of threads between requests
-- (src/board_cache.c) under two change counts: 'communities' (migration 013: names, slugs,
-- visibility, rosters, members' names) and 'boards', moved here by triggers on every write
-- to what a board lists or orders by (a thread started, replied to, retitled, answered,
-- deleted; a share added, moved up or taken off), so that every writer (the server, the
-- command line, another process) makes a kept board stale. What one reader has read
-- (thread_reads) is never kept: it is looked up on each view.
-- Written to run again safely (IF NOT EXISTS), as `practica upgrade` of a stepped-back
-- database does.
INSERT OR IGNORE INTO change_counts (name, n, changed_at)
	VALUES ('boards', 1, CAST(strftime('%s', 'now') AS INTEGER));

CREATE TRIGGER IF NOT EXISTS boards_changed_thread_i AFTER INSERT ON threads BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'boards'; END;
CREATE TRIGGER IF NOT EXISTS boards_changed_thread_u
	AFTER UPDATE OF community_id, author_id, title, is_question, answer_post_id, last_post_at,
		last_post_id, reply_count ON threads BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'boards'; END;
CREATE TRIGGER IF NOT EXISTS boards_changed_thread_d AFTER DELETE ON threads BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'boards'; END;
CREATE TRIGGER IF NOT EXISTS boards_changed_share_i AFTER INSERT ON thread_shares BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'boards'; END;
CREATE TRIGGER IF NOT EXISTS boards_changed_share_u AFTER UPDATE ON thread_shares BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'boards'; END;
CREATE TRIGGER IF NOT EXISTS boards_changed_share_d AFTER DELETE ON thread_shares BEGIN
	UPDATE change_counts SET n = n + 1, changed_at = CAST(strftime('%s', 'now') AS INTEGER) WHERE name = 'boards'; END;
