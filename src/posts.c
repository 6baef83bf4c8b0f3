/* Writes to the discussion boards (see posts.h). Everything here runs in the caller's
 * transaction; nothing here checks who may do it. */
#include "posts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discussions.h"
#include "mentions.h"
#include "notify.h"
#include "search.h"

#define MENTIONS_MAX 20 /* members notified per post: more is a broadcast, not a mention */

typedef struct {
	int64_t community_id, first_post_id;
	bool restricted; /* its home community is private */
	char title[THREAD_TITLE_MAX * 4 + 1];
} ThreadFacts;

static bool thread_facts(Db *db, int64_t thread_id, ThreadFacts *f)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT coalesce(t.community_id, 0), coalesce(c.visibility = 'private', 0), "
		    "t.title, (SELECT min(id) FROM posts WHERE thread_id = t.id) FROM threads t "
		    "LEFT JOIN communities c ON c.id = t.community_id WHERE t.id = :t");
	db_bind_int(st, ":t", thread_id);
	bool found = db_step(st) == SQLITE_ROW;
	if (found) {
		f->community_id = db_col_int(st, 0);
		f->restricted = db_col_int(st, 1);
		snprintf(f->title, sizeof f->title, "%s", db_col_text(st, 2));
		f->first_post_id = db_col_int(st, 3);
	}
	sqlite3_reset(st);
	return found;
}

static char *user_name(Db *db, int64_t user_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT name FROM users WHERE id = :u");
	db_bind_int(st, ":u", user_id);
	char *name = xstrdup(db_step(st) == SQLITE_ROW ? db_col_text(st, 0) : "Someone");
	sqlite3_reset(st);
	return name;
}

/* Reply counts, latest activity and newest post, recounted from the posts themselves: after
 * a deletion (rare), where the latest post may change. A reply only adds (thread_add_reply). */
static bool thread_refresh(Db *db, int64_t thread_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "UPDATE threads SET reply_count = (SELECT count(*) FROM posts p WHERE "
		    "p.thread_id = :t AND p.deleted_at IS NULL AND p.id > (SELECT min(id) FROM posts "
		    "WHERE thread_id = :t)), deleted_replies = (SELECT count(*) FROM posts p WHERE "
		    "p.thread_id = :t AND p.deleted_at IS NOT NULL AND p.id > (SELECT min(id) FROM "
		    "posts WHERE thread_id = :t)), last_post_id = coalesce((SELECT max(id) FROM posts WHERE "
		    "thread_id = :t AND deleted_at IS NULL), last_post_id), last_post_at = "
		    "coalesce((SELECT max(created_at) FROM posts WHERE thread_id = :t AND deleted_at "
		    "IS NULL), created_at) WHERE id = :t");
	db_bind_int(st, ":t", thread_id);
	if (!db_run(st))
		return false;
	st = db_prepare(db, "UPDATE thread_shares SET last_post_at = (SELECT last_post_at FROM "
			    "threads WHERE id = :t) WHERE thread_id = :t");
	db_bind_int(st, ":t", thread_id);
	return db_run(st);
}

/* A new reply: one more, and the newest. Constant work however long the thread is (recounting
 * made every reply cost more than the one before). deleted_replies is NULL for threads written
 * without these functions (bench data): counted once here, then kept. */
static bool thread_add_reply(Db *db, int64_t thread_id, int64_t post_id, int64_t now)
{
	sqlite3_stmt *st = db_prepare(
		db, "UPDATE threads SET reply_count = reply_count + 1, last_post_id = :p, "
		    "last_post_at = max(last_post_at, :now), deleted_replies = "
		    "coalesce(deleted_replies, (SELECT count(*) FROM posts p WHERE p.thread_id = :t "
		    "AND p.deleted_at IS NOT NULL AND p.id > (SELECT min(id) FROM posts WHERE "
		    "thread_id = :t))) WHERE id = :t");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":p", post_id);
	db_bind_int(st, ":now", now);
	if (!db_run(st) || db_changes(db) != 1)
		return false;
	st = db_prepare(db, "UPDATE thread_shares SET last_post_at = max(last_post_at, :now) "
			    "WHERE thread_id = :t");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":now", now);
	return db_run(st);
}

int64_t thread_replies_shown(Db *db, int64_t thread_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT coalesce(reply_count + deleted_replies, (SELECT count(*) FROM posts p "
		    "WHERE p.thread_id = t.id AND p.id > (SELECT min(id) FROM posts WHERE thread_id = "
		    "t.id))) FROM threads t WHERE t.id = :t");
	db_bind_int(st, ":t", thread_id);
	int64_t n = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

/* ---- the search index ---- */

static void index_post(Db *db, int64_t post_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT thread_id, body, coalesce(edited_at, created_at), "
					  "deleted_at IS NOT NULL FROM posts WHERE id = :p");
	db_bind_int(st, ":p", post_id);
	if (db_step(st) != SQLITE_ROW)
		return;
	int64_t thread_id = db_col_int(st, 0), updated = db_col_int(st, 2);
	bool deleted = db_col_int(st, 3);
	char *body = xstrdup(db_col_text(st, 1));
	sqlite3_reset(st);
	ThreadFacts f;
	if (!thread_facts(db, thread_id, &f)) {
		free(body);
		return;
	}
	char url[64];
	if (post_id == f.first_post_id) { /* the thread's entry: its title and question */
		snprintf(url, sizeof url, "/threads/%lld", (long long)thread_id);
		search_put(db, &(SearchEntry){.kind = "thread", .ref_id = thread_id,
					      .community_id = f.community_id,
					      .restricted = f.restricted, .title = f.title,
					      .body = deleted ? "" : body, .url = url,
					      .updated_at = updated});
	} else if (deleted) {
		search_remove(db, "post", post_id);
	} else {
		snprintf(url, sizeof url, "/posts/%lld", (long long)post_id);
		search_put(db, &(SearchEntry){.kind = "post", .ref_id = post_id,
					      .community_id = f.community_id,
					      .restricted = f.restricted, .title = f.title, .body = body,
					      .url = url, .updated_at = updated});
	}
	free(body);
}

/* A new reply's entry, from what post_reply() already has in hand. */
static void index_reply(Db *db, const ThreadFacts *f, int64_t post_id, const char *body,
			int64_t now)
{
	char url[64];
	snprintf(url, sizeof url, "/posts/%lld", (long long)post_id);
	search_put(db, &(SearchEntry){.kind = "post", .ref_id = post_id,
				      .community_id = f->community_id, .restricted = f->restricted,
				      .title = f->title, .body = body, .url = url, .updated_at = now});
}

void thread_reindex(Db *db, int64_t thread_id)
{
	/* Collected first: writing inside a loop over a SELECT is not allowed (db.h). */
	size_t n = 0, cap = 64;
	int64_t *ids = xmalloc(cap * sizeof *ids);
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM posts WHERE thread_id = :t ORDER BY id");
	db_bind_int(st, ":t", thread_id);
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap)
			ids = xrealloc(ids, (cap *= 2) * sizeof *ids);
		ids[n++] = db_col_int(st, 0);
	}
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++)
		index_post(db, ids[i]);
	free(ids);
}

/* ---- mentions ---- */

static bool user_reads_thread(Db *db, int64_t user_id, int64_t thread_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT role = 'admin' FROM users WHERE id = :u AND "
					  "status = 'active'");
	db_bind_int(st, ":u", user_id);
	if (db_step(st) != SQLITE_ROW)
		return false;
	bool admin = db_col_int(st, 0);
	sqlite3_reset(st);
	return thread_readable_by(db, user_id, admin, thread_id);
}

/* Records the members the post links to (mentioned[0..n), from mentions_render()); notifies
 * those not mentioned in it before who may read the thread (a mention never tells an outsider
 * what a private community discusses). */
static void notify_mentions(Db *db, const ThreadFacts *f, int64_t post_id, int64_t thread_id,
			    int64_t author_id, const char *author, const int64_t *mentioned, int n)
{
	char text[THREAD_TITLE_MAX * 4 + 200], link[64];
	snprintf(text, sizeof text, "%s mentioned you in \u201c%s\u201d", author, f->title);
	snprintf(link, sizeof link, "/posts/%lld", (long long)post_id);
	for (int i = 0; i < n; i++) {
		if (mentioned[i] == author_id)
			continue;
		sqlite3_stmt *st = db_prepare(db, "INSERT OR IGNORE INTO post_mentions (post_id, "
						  "user_id) VALUES (:p, :u)");
		db_bind_int(st, ":p", post_id);
		db_bind_int(st, ":u", mentioned[i]);
		if (db_run(st) && db_changes(db) == 1 && user_reads_thread(db, mentioned[i], thread_id))
			notify_user(db, mentioned[i], "mention", text, link);
	}
}

/* ---- writes ---- */

void thread_mark_read(Db *db, int64_t user_id, int64_t thread_id, int64_t post_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO thread_reads (user_id, thread_id, last_read_post_id) VALUES (:u, :t, "
		    ":p) ON CONFLICT (user_id, thread_id) DO UPDATE SET last_read_post_id = "
		    "max(last_read_post_id, excluded.last_read_post_id)");
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":p", post_id);
	db_run(st);
}

/* The post's HTML is rendered here, once, and kept beside its Markdown (posts.h). */
static int64_t insert_post(Db *db, int64_t thread_id, int64_t author_id, const char *body,
			   const char *html, int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO posts (thread_id, author_id, body, html, "
					  "created_at) VALUES (:t, :a, :body, :html, :now)");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":a", author_id);
	db_bind_text(st, ":body", body);
	db_bind_text(st, ":html", html);
	db_bind_int(st, ":now", now);
	return db_run(st) ? db_last_id(db) : 0;
}

int64_t thread_create(Db *db, const NewThread *t, int64_t *post_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO threads (community_id, author_id, title, is_question, created_at, "
		    "last_post_at, deleted_replies) VALUES (:c, :a, :title, :q, :now, :now, 0)");
	if (t->community_id)
		db_bind_int(st, ":c", t->community_id);
	else
		db_bind_text(st, ":c", NULL);
	db_bind_int(st, ":a", t->author_id);
	db_bind_text(st, ":title", t->title);
	db_bind_int(st, ":q", t->question);
	db_bind_int(st, ":now", t->now);
	if (!db_run(st))
		return 0;
	int64_t thread_id = db_last_id(db);
	int64_t mentioned[MENTIONS_MAX];
	int n;
	char *html = mentions_render(db, t->body, mentioned, MENTIONS_MAX, &n);
	int64_t first = insert_post(db, thread_id, t->author_id, t->body, html, t->now);
	free(html);
	if (!first)
		return 0;
	st = db_prepare(db, "UPDATE threads SET last_post_id = :p WHERE id = :t");
	db_bind_int(st, ":p", first);
	db_bind_int(st, ":t", thread_id);
	if (!db_run(st))
		return 0;
	index_post(db, first);
	if (n) {
		ThreadFacts f;
		if (!thread_facts(db, thread_id, &f))
			return 0;
		char *author = user_name(db, t->author_id);
		notify_mentions(db, &f, first, thread_id, t->author_id, author, mentioned, n);
		free(author);
	}
	thread_follow(db, t->author_id, thread_id);
	thread_mark_read(db, t->author_id, thread_id, first);
	if (post_id)
		*post_id = first;
	return thread_id;
}

int64_t post_reply(Db *db, int64_t thread_id, int64_t author_id, const char *body, int64_t now)
{
	ThreadFacts f;
	if (!thread_facts(db, thread_id, &f))
		return 0;
	int64_t mentioned[MENTIONS_MAX];
	int n;
	char *html = mentions_render(db, body, mentioned, MENTIONS_MAX, &n);
	int64_t post_id = insert_post(db, thread_id, author_id, body, html, now);
	free(html);
	if (!post_id || !thread_add_reply(db, thread_id, post_id, now))
		return 0;
	index_reply(db, &f, post_id, body, now);
	char *author = user_name(db, author_id);
	notify_mentions(db, &f, post_id, thread_id, author_id, author, mentioned, n);
	char text[THREAD_TITLE_MAX * 4 + 200], link[64];
	snprintf(text, sizeof text, "%s replied to \u201c%s\u201d", author, f.title);
	snprintf(link, sizeof link, "/posts/%lld", (long long)post_id);
	free(author);
	notify_thread_followers(db, thread_id, author_id, text, link);
	thread_follow(db, author_id, thread_id);
	thread_mark_read(db, author_id, thread_id, post_id);
	return post_id;
}

bool post_update(Db *db, int64_t post_id, const char *body, const char *title, bool question,
		 int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT thread_id, author_id FROM posts WHERE id = :p AND "
					  "deleted_at IS NULL");
	db_bind_int(st, ":p", post_id);
	if (db_step(st) != SQLITE_ROW)
		return false;
	int64_t thread_id = db_col_int(st, 0), author_id = db_col_int(st, 1);
	sqlite3_reset(st);
	int64_t mentioned[MENTIONS_MAX];
	int n;
	char *html = mentions_render(db, body, mentioned, MENTIONS_MAX, &n);
	st = db_prepare(db, "UPDATE posts SET body = :body, html = :html, edited_at = :now WHERE "
			    "id = :p");
	db_bind_text(st, ":body", body);
	db_bind_text(st, ":html", html);
	free(html);
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":p", post_id);
	if (!db_run(st))
		return false;
	if (title) {
		st = db_prepare(db, "UPDATE threads SET title = :title, is_question = :q, "
				    "answer_post_id = CASE WHEN :q THEN answer_post_id END WHERE id = "
				    ":t");
		db_bind_text(st, ":title", title);
		db_bind_int(st, ":q", question);
		db_bind_int(st, ":t", thread_id);
		if (!db_run(st))
			return false;
		thread_reindex(db, thread_id); /* every reply's entry carries the title */
	} else {
		index_post(db, post_id);
	}
	if (n) {
		ThreadFacts f;
		if (!thread_facts(db, thread_id, &f))
			return false;
		char *author = user_name(db, author_id);
		notify_mentions(db, &f, post_id, thread_id, author_id, author, mentioned, n);
		free(author);
	}
	return true;
}

bool post_delete(Db *db, int64_t post_id, int64_t by, int64_t now)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE posts SET body = '', html = '', deleted_at = :now, "
					  "deleted_by = :by WHERE id = :p AND deleted_at IS NULL");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":by", by);
	db_bind_int(st, ":p", post_id);
	if (!db_run(st) || db_changes(db) != 1)
		return false;
	st = db_prepare(db, "SELECT thread_id FROM posts WHERE id = :p");
	db_bind_int(st, ":p", post_id);
	int64_t thread_id = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	st = db_prepare(db, "UPDATE threads SET answer_post_id = NULL, answered_by = NULL WHERE "
			    "id = :t AND answer_post_id = :p");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":p", post_id);
	if (!db_run(st) || !thread_refresh(db, thread_id))
		return false;
	index_post(db, post_id);
	return true;
}

bool thread_accept(Db *db, int64_t thread_id, int64_t post_id, int64_t by)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE threads SET answer_post_id = :p, answered_by = "
					  ":by WHERE id = :t AND is_question");
	if (post_id)
		db_bind_int(st, ":p", post_id);
	else
		db_bind_text(st, ":p", NULL);
	if (post_id)
		db_bind_int(st, ":by", by);
	else
		db_bind_text(st, ":by", NULL);
	db_bind_int(st, ":t", thread_id);
	return db_run(st) && db_changes(db) == 1;
}

bool thread_share(Db *db, int64_t thread_id, int64_t community_id, int64_t by, int64_t now)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO thread_shares (thread_id, community_id, shared_by, shared_at, "
		    "last_post_at) SELECT id, :c, :by, :now, last_post_at FROM threads WHERE id = :t "
		    "AND coalesce(community_id, 0) != :c");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":by", by);
	db_bind_int(st, ":now", now);
	return db_run(st) && db_changes(db) == 1;
}

/* ---- migration 012 ---- */

static bool has_column(Db *db, const char *table, const char *column)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM pragma_table_info(:t) WHERE "
					  "name = :c");
	db_bind_text(st, ":t", table);
	db_bind_text(st, ":c", column);
	bool found = db_step(st) == SQLITE_ROW && db_col_int(st, 0) > 0;
	sqlite3_reset(st);
	return found;
}

bool posts_html_columns(Db *db)
{
	static const struct {
		const char *table, *column, *add;
	} columns[] = {
		{"posts", "html", "ALTER TABLE posts ADD COLUMN html TEXT"},
		{"threads", "deleted_replies", "ALTER TABLE threads ADD COLUMN deleted_replies "
					       "INTEGER CHECK (deleted_replies >= 0)"},
	};
	for (size_t i = 0; i < sizeof columns / sizeof *columns; i++) {
		if (has_column(db, columns[i].table, columns[i].column))
			continue;
		char *err = NULL;
		if (sqlite3_exec(db_handle(db), columns[i].add, NULL, NULL, &err) != SQLITE_OK) {
			fprintf(stderr, "practica: database: %s\n", err ? err : "ALTER TABLE failed");
			sqlite3_free(err);
			return false;
		}
	}
	return true;
}

bool posts_html_missing(Db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT min(id) FROM posts WHERE html IS NULL");
	bool some = db_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
	sqlite3_reset(st);
	return some;
}

bool posts_html_backfill(Db *db)
{
	enum { BATCH = 500 };
	int64_t after = 0, done = 0;
	int64_t *ids = xmalloc(BATCH * sizeof *ids);
	char **bodies = xmalloc(BATCH * sizeof *bodies);
	for (;;) {
		/* A batch read first, then written: no write inside a loop over a SELECT. */
		sqlite3_stmt *st = db_prepare(db, "SELECT id, CASE WHEN deleted_at IS NULL THEN body "
						  "ELSE '' END FROM posts WHERE id > :after AND html "
						  "IS NULL ORDER BY id LIMIT :n");
		db_bind_int(st, ":after", after);
		db_bind_int(st, ":n", BATCH);
		int n = 0;
		while (db_step(st) == SQLITE_ROW) {
			ids[n] = db_col_int(st, 0);
			bodies[n++] = xstrdup(db_col_text(st, 1));
		}
		sqlite3_reset(st);
		bool ok = true;
		for (int i = 0; i < n; i++) {
			char *html = mentions_render(db, bodies[i], NULL, 0, NULL);
			st = db_prepare(db, "UPDATE posts SET html = :html WHERE id = :p");
			db_bind_text(st, ":html", html);
			db_bind_int(st, ":p", ids[i]);
			ok = ok && db_run(st);
			free(html);
			free(bodies[i]);
		}
		if (!ok || n < BATCH) {
			free(ids);
			free(bodies);
			if (ok && done + n >= 10000)
				fprintf(stderr, "practica: rendered %lld posts' HTML\n",
					(long long)(done + n));
			return ok;
		}
		after = ids[n - 1];
		done += n;
		if (done % 100000 == 0)
			fprintf(stderr, "practica: rendering posts' HTML: %lld so far\n", (long long)done);
	}
}
