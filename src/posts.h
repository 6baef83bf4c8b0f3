/* Writes to the discussion boards, shared by the web pages and `practica demo`. Each runs
 * inside the caller's write transaction (db_begin .. db_commit) and keeps everything derived
 * in step: the thread's reply count and latest activity (which order the boards), shared
 * copies of that order, the search index, mentions with their notifications, follows and the
 * author's read marker. Permission checks are the caller's.
 *
 * Each post keeps its HTML beside its Markdown (posts.html, migration 012): rendered here on
 * every write, by cmark in safe mode with mentions linked (mentions_render), so showing a
 * thread copies it instead of parsing every post on every view. Mentions are resolved when
 * written: the link goes to the member meant then, whatever they are called later. */
#ifndef PRACTICA_POSTS_H
#define PRACTICA_POSTS_H
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

#define THREAD_TITLE_MAX 200
#define POST_BODY_MAX 20000 /* bytes of Markdown */

typedef struct {
	int64_t community_id; /* 0: the association-wide board */
	int64_t author_id;
	const char *title, *body;
	bool question;
	int64_t now;
} NewThread;

/* Returns the new thread's id (its opening post in *post_id when not NULL), 0 on failure. */
int64_t thread_create(Db *db, const NewThread *t, int64_t *post_id);
/* Returns the new post's id, 0 on failure. Followers are notified; the author follows. */
int64_t post_reply(Db *db, int64_t thread_id, int64_t author_id, const char *body, int64_t now);
/* New body (and, for an opening post, title and question flag when title is not NULL);
 * marks the post edited. Newly mentioned members are notified. */
bool post_update(Db *db, int64_t post_id, const char *body, const char *title, bool question,
		 int64_t now);
/* Empties the post and records who deleted it and when; it stays as a trace. */
bool post_delete(Db *db, int64_t post_id, int64_t by, int64_t now);
/* Marks post_id (a reply of the thread) as the accepted answer; 0 clears it. */
bool thread_accept(Db *db, int64_t thread_id, int64_t post_id, int64_t by);
/* Shows the thread on another community's board too. False when it is already there. */
bool thread_share(Db *db, int64_t thread_id, int64_t community_id, int64_t by, int64_t now);
/* Replies shown on the thread's pages, deleted ones' traces included (they keep their place):
 * from the thread's counts, not by counting its posts. */
int64_t thread_replies_shown(Db *db, int64_t thread_id);
/* Records that user_id has seen the thread up to post_id (never moves backwards). */
void thread_mark_read(Db *db, int64_t user_id, int64_t thread_id, int64_t post_id);
/* Puts the thread and all its posts in the search index again (after a title change, or
 * for data written without these functions). */
void thread_reindex(Db *db, int64_t thread_id);
/* Migration 012's first step in C: adds posts.html and threads.deleted_replies where missing
 * (a stepped-back database runs 012 again; SQLite has no ADD COLUMN IF NOT EXISTS). */
bool posts_html_columns(Db *db);
/* Migration 012's step in C: renders the HTML of every post that has none, inside the
 * migration's transaction. */
bool posts_html_backfill(Db *db);
/* Whether some post has no stored HTML (one probe): posts inserted without posts.c. */
bool posts_html_missing(Db *db);

#endif
