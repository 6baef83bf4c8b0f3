-- 012: each post keeps its rendered HTML beside its Markdown, so showing a thread copies it
-- instead of running cmark over every post on every view (docs/PERFORMANCE.md). posts.c
-- renders it on every write (cmark's safe mode, mentions linked to the member meant when it
-- was written). NULL means not rendered yet (rows written without posts.c, such as
-- `practica bench-data`'s): the thread page then renders it as it goes, and the next
-- `practica upgrade` (or start) renders and stores it. Existing posts are
-- rendered by the C step that follows this file (db.c runs posts_html_backfill() in the same
-- transaction): Markdown needs cmark, which SQL cannot call.
-- posts.html TEXT and threads.deleted_replies INTEGER (>= 0) are added by the C step that
-- runs before this file (posts_html_columns), only where missing: SQLite has no ADD COLUMN IF
-- NOT EXISTS, and a stepped-back database runs this migration again.
-- The posts still to render: empty once the step below has run, so finding whether any are
-- left (db.c, at every `practica upgrade` and start) is one probe.
CREATE INDEX IF NOT EXISTS posts_unrendered ON posts(id) WHERE html IS NULL;

-- Deleted replies keep their place on the thread's pages (a trace), so the page a reply is on
-- counts them: reply_count + deleted_replies replies are shown. NULL: not counted yet (posts.c
-- counts it on the thread's next reply).
UPDATE threads SET deleted_replies = (SELECT count(*) FROM posts p WHERE p.thread_id = threads.id
	AND p.deleted_at IS NOT NULL AND p.id > (SELECT min(id) FROM posts WHERE thread_id = threads.id));
