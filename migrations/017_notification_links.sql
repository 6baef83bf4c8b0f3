-- 017: unread notifications found by their link (docs/DECISIONS.md, the load test's slowdown).
-- A reply notifies each follower of the thread unless they already have an unread
-- notification with the same link (a mention in the same post, written first: notify.c).
-- With only notifications_unread (user_id, read_at) that check read every unread
-- notification of each follower from the table to compare its link, so each reply cost more
-- as unread notifications piled up (in `make load`, 24,000 steps a reply at the start and
-- 390,000 four minutes later). This index answers it with one lookup and, being partial on
-- the same rows, also answers the header's count of unread ones: it replaces
-- notifications_unread, so a notification still costs one partial index entry to write.
-- read_at (always NULL here) stays its second column, as in notifications_unread: the
-- planner then takes "user_id = ? AND read_at IS NULL" as two equalities on this index;
-- without it, it chose notifications_inbox for the count and read every notification's row.
-- Written to run again safely (IF NOT EXISTS), as `practica upgrade` of a stepped-back
-- database does.
CREATE INDEX IF NOT EXISTS notifications_unread_by_link
	ON notifications(user_id, read_at, link) WHERE read_at IS NULL;
DROP INDEX IF EXISTS notifications_unread;
