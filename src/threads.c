/* A discussion thread: its page (opening post, accepted answer, paginated replies, reply
 * form, follow and share buttons), the reply fragment live updates fetch, replying, editing,
 * deleting (a trace stays), accepted answers, cross-posting and post permalinks. Readers are
 * those of the thread's home board (discussions.h); everyone else gets 404, so a private
 * community's thread titles do not leak. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assets.h"
#include "audit.h"
#include "auth.h"
#include "communities.h"
#include "discussions.h"
#include "handlers.h"
#include "html.h"
#include "live.h"
#include "mentions.h"
#include "notify.h"
#include "page.h"
#include "posts.h"
#include "thread_cache.h"
#include "validate.h"

#define REPLIES_PAGE 50 /* replies per thread page */
#define FRAGMENT_MAX 100

typedef struct {
	int64_t id, community_id, author_id, answer_post_id, first_post_id, last_post_id;
	int64_t reply_count, last_read;
	int64_t replies_shown; /* deleted replies' traces included: what the pages hold */
	const char *title, *slug, *community_name; /* slug "" on the association-wide board */
	bool question, is_private;
	bool may_reply, may_moderate, is_asker;
	bool followed, has_shares;
	ThreadVersion version; /* what its kept pages were built from (thread_cache.h) */
} Thread;

static const char not_found[] = "There is no discussion at this address, or it belongs to a "
				"community whose discussions are private.";

/* Loads a thread the signed-in member may read; otherwise answers 404 and returns NULL.
 * One statement reads the thread, who may read, reply to and moderate it, and the counts
 * its kept pages are checked against. The access rules are those of discussions.c's
 * thread_readable() (communities.c's community_readable_by()), community_postable() and
 * community_moderated_by(), computed in the same statement instead of four more: a change
 * to those rules must be made here too (tests/http_discussions.c and http_authz.c check
 * them through this page). */
static Thread *load_thread(Req *r, int64_t id)
{
	if (!r->user || !r->user->is_member) {
		resp_error(r, 404, not_found);
		return NULL;
	}
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT t.id, coalesce(t.community_id, 0), t.author_id, "
		       "coalesce(t.answer_post_id, 0), (SELECT min(id) FROM posts WHERE thread_id = "
		       "t.id), (SELECT max(id) FROM posts WHERE thread_id = t.id), t.reply_count, "
		       "coalesce((SELECT last_read_post_id FROM thread_reads WHERE user_id = :me AND "
		       "thread_id = t.id), 0), t.title, coalesce(c.slug, ''), coalesce(c.name, ''), "
		       "t.is_question, coalesce(c.visibility = 'private', 0), EXISTS (SELECT 1 FROM "
		       "thread_shares s WHERE s.thread_id = t.id AND (EXISTS (SELECT 1 FROM "
		       "facilitators f WHERE f.community_id = s.community_id AND f.user_id = :me) OR "
		       "EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = s.community_id AND "
		       "m.user_id = :me AND m.status = 'participant'))), coalesce(t.reply_count + "
		       "t.deleted_replies, (SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND "
		       "p.id > (SELECT min(id) FROM posts WHERE thread_id = t.id))), "
		       "c.id IS NOT NULL, coalesce(c.visibility = 'open', 0), "
		       "EXISTS (SELECT 1 FROM facilitators f WHERE f.community_id = t.community_id AND "
		       "f.user_id = :me), EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = "
		       "t.community_id AND m.user_id = :me AND m.status = 'participant'), "
		       "EXISTS (SELECT 1 FROM thread_follows WHERE thread_id = t.id AND user_id = :me "
		       "AND following = 1), EXISTS (SELECT 1 FROM thread_shares WHERE thread_id = "
		       "t.id), coalesce((SELECT n FROM thread_changes WHERE thread_id = t.id), 0), "
		       "coalesce((SELECT n FROM change_counts WHERE name = 'people'), 0) "
		       "FROM threads t LEFT JOIN communities c ON c.id = t.community_id WHERE t.id = :t");
	db_bind_int(st, ":t", id);
	db_bind_int(st, ":me", r->user->id);
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, not_found);
		return NULL;
	}
	bool admin = r->user->is_admin;
	int64_t community = db_col_int(st, 1);
	bool found = db_col_int(st, 15), open = db_col_int(st, 16);
	bool facilitates = db_col_int(st, 17), participates = db_col_int(st, 18);
	if (community && !(found && (open || admin || facilitates || participates))) {
		sqlite3_reset(st);
		resp_error(r, 404, not_found);
		return NULL;
	}
	Thread *t = arena_alloc(r->arena, sizeof *t);
	t->id = db_col_int(st, 0);
	t->community_id = community;
	t->author_id = db_col_int(st, 2);
	t->answer_post_id = db_col_int(st, 3);
	t->first_post_id = db_col_int(st, 4);
	t->last_post_id = db_col_int(st, 5);
	t->reply_count = db_col_int(st, 6);
	t->last_read = db_col_int(st, 7);
	t->title = arena_strdup(r->arena, db_col_text(st, 8));
	t->slug = arena_strdup(r->arena, db_col_text(st, 9));
	t->community_name = arena_strdup(r->arena, db_col_text(st, 10));
	t->question = db_col_int(st, 11);
	t->is_private = db_col_int(st, 12);
	bool shared_to_mine = db_col_int(st, 13);
	t->replies_shown = db_col_int(st, 14);
	t->followed = db_col_int(st, 19);
	t->has_shares = db_col_int(st, 20);
	t->version = (ThreadVersion){db_col_int(st, 21), db_col_int(st, 22)};
	sqlite3_reset(st);
	/* Replying is open to those who may post on the home board or a board it is shared to. */
	t->may_reply = shared_to_mine || !community || admin || facilitates || participates;
	t->may_moderate = admin || (community && facilitates);
	t->is_asker = t->author_id == r->user->id;
	return t;
}

static const char *board_url(Req *r, const Thread *t)
{
	return *t->slug ? arena_printf(r->arena, "/communities/%s/board", t->slug) : "/board";
}

static const char *location_on_page(Req *r, const Thread *t, int64_t post_id, int64_t before)
{
	int64_t page = before / REPLIES_PAGE + 1;
	if (page > 1)
		return arena_printf(r->arena, "/threads/%lld?page=%lld#post-%lld", (long long)t->id,
				    (long long)page, (long long)post_id);
	return arena_printf(r->arena, "/threads/%lld#post-%lld", (long long)t->id,
			    (long long)post_id);
}

/* The thread page showing post_id: replies are numbered from the opening post on. */
static const char *post_location(Req *r, const Thread *t, int64_t post_id)
{
	int64_t before = 0;
	if (post_id != t->first_post_id) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT count(*) FROM posts WHERE thread_id = :t "
						     "AND id > :first AND id < :p");
		db_bind_int(st, ":t", t->id);
		db_bind_int(st, ":first", t->first_post_id);
		db_bind_int(st, ":p", post_id);
		if (db_step(st) == SQLITE_ROW)
			before = db_col_int(st, 0);
		sqlite3_reset(st);
	}
	return location_on_page(r, t, post_id, before);
}

/* ---- rendering posts ---- */

#define POST_COLUMNS                                                                          \
	"p.id, p.author_id, u.name, u.job_title, coalesce(s.name, ''), p.created_at, " \
	"coalesce(p.edited_at, 0), coalesce(p.deleted_at, 0), coalesce(d.name, ''), p.html "
#define POST_JOINS                                                                           \
	"JOIN users u ON u.id = p.author_id LEFT JOIN schools s ON s.id = u.school_id "       \
	"LEFT JOIN users d ON d.id = p.deleted_by "
enum { P_ID, P_AUTHOR_ID, P_AUTHOR, P_JOB, P_SCHOOL, P_CREATED, P_EDITED, P_DELETED, P_DELETER,
       P_HTML };

static const char mention_link[] = "<a class=\"mention\" href=\"/members/";

/* Whether stored HTML links a mention to someone who is no longer an active member (deleted:
 * "Former member", or disabled): their profile answers 404, so the post is rendered afresh,
 * which shows such a name unlinked as it always did. cmark escapes every '<' of a post's
 * text, so mention_link appears only where mentions_render() put it. */
static bool links_former_member(Req *r, const char *stored)
{
	for (const char *at = strstr(stored, mention_link); at; at = strstr(at + 1, mention_link)) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT status = 'active' FROM users WHERE "
						     "id = :u");
		db_bind_int(st, ":u", strtoll(at + sizeof mention_link - 1, NULL, 10));
		bool active = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
		sqlite3_reset(st);
		if (!active)
			return true;
	}
	return false;
}

/* The post's body: its HTML as rendered when it was written (posts.h), or rendered now when
 * it has none yet (rows not written by posts.c) or links a former member. */
static void post_body(Req *r, sqlite3_stmt *st)
{
	const char *stored = (const char *)sqlite3_column_text(st, P_HTML);
	if (stored && !links_former_member(r, stored)) {
		/* Inserted raw on purpose, and only here: this is what cmark produced in safe mode
		 * from the post's Markdown when posts.c stored it (member HTML dropped, unsafe links
		 * emptied, all text escaped), plus our own mention links built from a member id.
		 * Nothing a member typed reaches the page unescaped. */
		buf_append(&r->out, stored, (size_t)sqlite3_column_bytes(st, P_HTML));
		return;
	}
	/* The Markdown only now: most views never need it. */
	sqlite3_stmt *body = db_prepare(r->db, "SELECT body FROM posts WHERE id = :p");
	db_bind_int(body, ":p", db_col_int(st, P_ID));
	if (db_step(body) == SQLITE_ROW)
		markdown_mentions_html(r->db, &r->out, db_col_text(body, 0));
	sqlite3_reset(body);
}

static const char *const month_names[] = {"January", "February", "March",     "April",
					   "May",     "June",     "July",      "August",
					   "September", "October", "November", "December"};

static char *put_number(char *p, int64_t value, int min_digits)
{
	char digits[12];
	int n = 0;
	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value > 0 && n < 11);
	while (n < min_digits)
		digits[n++] = '0';
	while (n)
		*p++ = digits[--n];
	return p;
}

static char *put_text(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

/* <time datetime="UTC">date, time</time>, the words as format_date() and format_time() give
 * them ("March 4, 2026, 9:05 AM", local time), written out by hand: through strftime and
 * printf this was a tenth of a thread page's CPU (two or three times for each of 51 posts). */
static void when(Req *r, int64_t at)
{
	time_t tt = (time_t)at;
	struct tm utc, local;
	gmtime_r(&tt, &utc);
	localtime_r(&tt, &local);
	char text[128], *p = text;
	p = put_text(p, "<time datetime=\"");
	p = put_number(p, utc.tm_year + 1900, 4);
	*p++ = '-';
	p = put_number(p, utc.tm_mon + 1, 2);
	*p++ = '-';
	p = put_number(p, utc.tm_mday, 2);
	*p++ = 'T';
	p = put_number(p, utc.tm_hour, 2);
	*p++ = ':';
	p = put_number(p, utc.tm_min, 2);
	*p++ = ':';
	p = put_number(p, utc.tm_sec, 2);
	p = put_text(p, "Z\">");
	p = put_text(p, month_names[local.tm_mon]);
	*p++ = ' ';
	p = put_number(p, local.tm_mday, 1);
	p = put_text(p, ", ");
	p = put_number(p, local.tm_year + 1900, 1);
	p = put_text(p, ", ");
	p = put_number(p, local.tm_hour % 12 ? local.tm_hour % 12 : 12, 1);
	*p++ = ':';
	p = put_number(p, local.tm_min, 2);
	p = put_text(p, local.tm_hour < 12 ? " AM</time>" : " PM</time>");
	buf_append(&r->out, text, (size_t)(p - text));
}

/* What differs between readers of the same posts: written where the article has a slot,
 * either at once or, while a page is built to be kept, recorded as a ThreadSlot and filled in
 * each time the kept page is copied out (thread_cache.h). Everything else in an article is the
 * same for every reader, and depends only on the thread's posts, its answer and question flag
 * and the members shown (the change counts of migration 014). */
enum {
	SLOT_UNREAD_CLASS, /* " unread" in the article's class */
	SLOT_NEW_BADGE,    /* the New badge */
	SLOT_ACTIONS,      /* Edit, Mark as the answer, Delete */
	SLOT_UNACCEPT,     /* Unmark the answer, under the accepted answer */
	SLOT_REPLIES_HEAD, /* the reply count, the pager and the list's opening tag */
};

typedef struct {
	const Thread *t;
	int64_t page, pages;
	bool building; /* record slots instead of filling them */
	ThreadSlot *slots;
	size_t nslots, cap;
} View;

static void pager(Req *r, const Thread *t, int64_t page, int64_t pages);

static bool unread_by_viewer(Req *r, const Thread *t, const ThreadSlot *s)
{
	return s->post_id > t->last_read && s->author_id != r->user->id;
}

/* Runs under the thread cache's lock when a kept page is copied out: no database access
 * (csrf_token() was computed before). */
static void view_fill(Req *r, const ThreadSlot *s, void *ctx)
{
	const View *v = ctx;
	const Thread *t = v->t;
	switch (s->kind) {
	case SLOT_UNREAD_CLASS:
		if (unread_by_viewer(r, t, s))
			buf_append(&r->out, " unread", 7);
		break;
	case SLOT_NEW_BADGE:
		if (unread_by_viewer(r, t, s))
			html_raw(&r->out, " <span class=\"badge badge-new\">New</span>");
		break;
	case SLOT_ACTIONS: {
		bool opening = s->post_id == t->first_post_id, accepted = s->post_id == t->answer_post_id;
		bool mine = s->author_id == r->user->id;
		bool can_accept = t->question && !opening && !accepted &&
				  (t->is_asker || t->may_moderate);
		if (!mine && !t->may_moderate && !can_accept)
			break;
		html_raw(&r->out, "<div class=\"post-actions\">");
		if (mine)
			html(&r->out, "<a class=\"button secondary\" href=\"/posts/%lld/edit\">Edit"
				      "<span class=\"visually-hidden\"> this post</span></a> ",
			     (long long)s->post_id);
		if (can_accept)
			button_form(r, arena_printf(r->arena, "/posts/%lld/accept",
						    (long long)s->post_id),
				    "Mark as the answer", "secondary");
		if (mine || t->may_moderate)
			button_form(r, arena_printf(r->arena, "/posts/%lld/delete",
						    (long long)s->post_id),
				    "Delete", "danger");
		html_raw(&r->out, "</div>\n");
		break;
	}
	case SLOT_UNACCEPT:
		if (t->is_asker || t->may_moderate)
			button_form(r, arena_printf(r->arena, "/threads/%lld/unaccept", (long long)t->id),
				    "Unmark the answer", "secondary");
		break;
	case SLOT_REPLIES_HEAD:
		html(&r->out, "<h2 id=\"h-replies\">%lld repl%s</h2>\n", (long long)t->reply_count,
		     t->reply_count == 1 ? "y" : "ies");
		pager(r, t, v->page, v->pages);
		if (v->page == v->pages)
			html(&r->out, "<div id=\"posts\" class=\"posts\" data-events=\"/threads/%lld/"
				      "events\" data-fragment=\"/threads/%lld/replies\" data-after="
				      "\"%lld\">\n",
			     (long long)t->id, (long long)t->id, (long long)t->last_post_id);
		else
			html_raw(&r->out, "<div class=\"posts\">\n");
		break;
	}
}

static void viewer_part(Req *r, View *v, int kind, int64_t post_id, int64_t author_id)
{
	ThreadSlot slot = {r->out.len, kind, post_id, author_id};
	if (!v->building) {
		view_fill(r, &slot, v);
		return;
	}
	if (v->nslots == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		ThreadSlot *bigger = arena_alloc(r->arena, v->cap * sizeof *bigger);
		if (v->nslots)
			memcpy(bigger, v->slots, v->nslots * sizeof *bigger);
		v->slots = bigger;
	}
	v->slots[v->nslots++] = slot;
}

/* One post as an <article>; anchor is its element id ("post-12", or "answer" for the copy
 * shown under the question). The page and the live-update fragment both use this. */
static void post_article(Req *r, View *v, sqlite3_stmt *st, const char *anchor)
{
	const Thread *t = v->t;
	int64_t id = db_col_int(st, P_ID), author = db_col_int(st, P_AUTHOR_ID);
	int64_t deleted = db_col_int(st, P_DELETED), edited = db_col_int(st, P_EDITED);
	bool opening = id == t->first_post_id, accepted = id == t->answer_post_id;
	if (deleted) {
		html(&r->out, "<article class=\"post deleted\" id=\"%s\">\n<p class=\"meta\">%s by "
			      "<a href=\"/members/%lld\">%s</a> was deleted by %s on ",
		     anchor, opening ? "The opening post" : "A reply", (long long)author,
		     db_col_text(st, P_AUTHOR), db_col_text(st, P_DELETER));
		when(r, deleted);
		html_raw(&r->out, ".</p>\n</article>\n");
		return;
	}
	html_raw(&r->out, "<article class=\"post");
	viewer_part(r, v, SLOT_UNREAD_CLASS, id, author);
	html(&r->out, "%s\" id=\"%s\" aria-labelledby=\"%s-by\">\n"
		      "<header class=\"post-header\">\n<p><a class=\"person-name\" id=\"%s-by\" "
		      "href=\"/members/%lld\">%s</a> <span class=\"meta\">%s%s%s</span>",
	     accepted ? " accepted" : "", anchor, anchor, anchor, (long long)author,
	     db_col_text(st, P_AUTHOR), db_col_text(st, P_JOB),
	     *db_col_text(st, P_SCHOOL) ? ", " : "", db_col_text(st, P_SCHOOL));
	viewer_part(r, v, SLOT_NEW_BADGE, id, author);
	if (accepted)
		html_raw(&r->out, " <span class=\"badge badge-answered\">Accepted answer</span>");
	html(&r->out, "</p>\n<p class=\"meta\"><a href=\"/posts/%lld\">", (long long)id);
	when(r, db_col_int(st, P_CREATED));
	html_raw(&r->out, "</a>");
	if (edited) {
		html_raw(&r->out, " · <span class=\"edited\">edited ");
		when(r, edited);
		html_raw(&r->out, "</span>");
	}
	html_raw(&r->out, "</p>\n</header>\n");
	post_body(r, st);
	viewer_part(r, v, SLOT_ACTIONS, id, author);
	html_raw(&r->out, "</article>\n");
}

/* Replies after `after`, at most limit, in order. Returns the last id rendered (or after). */
static int64_t replies_after(Req *r, View *v, int64_t after, int limit)
{
	const Thread *t = v->t;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT " POST_COLUMNS "FROM posts p " POST_JOINS
					     "WHERE p.thread_id = :t AND p.id > :after "
					     "ORDER BY p.id LIMIT :limit");
	db_bind_int(st, ":t", t->id);
	db_bind_int(st, ":after", after > t->first_post_id ? after : t->first_post_id);
	db_bind_int(st, ":limit", limit);
	int64_t last = after;
	while (db_step(st) == SQLITE_ROW) {
		last = db_col_int(st, P_ID);
		char anchor[32] = "post-";
		*put_number(anchor + 5, last, 1) = '\0';
		post_article(r, v, st, anchor);
	}
	sqlite3_reset(st);
	return last;
}

static void one_post(Req *r, View *v, int64_t post_id, const char *anchor)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT " POST_COLUMNS "FROM posts p " POST_JOINS
					     "WHERE p.id = :p AND p.thread_id = :t");
	db_bind_int(st, ":p", post_id);
	db_bind_int(st, ":t", v->t->id);
	if (db_step(st) == SQLITE_ROW)
		post_article(r, v, st, anchor);
	sqlite3_reset(st);
}

/* ---- the thread page ---- */

static void pager(Req *r, const Thread *t, int64_t page, int64_t pages)
{
	if (pages <= 1)
		return;
	html_raw(&r->out, "<nav class=\"pager\" aria-label=\"Pages of replies\">");
	if (page > 1)
		html(&r->out, "<a rel=\"prev\" href=\"/threads/%lld?page=%lld\">Earlier replies</a> ",
		     (long long)t->id, (long long)(page - 1));
	html(&r->out, "<span aria-current=\"page\">Page %lld of %lld</span>", (long long)page,
	     (long long)pages);
	if (page < pages)
		html(&r->out, " <a rel=\"next\" href=\"/threads/%lld?page=%lld\">Later replies</a>",
		     (long long)t->id, (long long)(page + 1));
	html_raw(&r->out, "</nav>\n");
}

static void shares_line(Req *r, const Thread *t)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT s.id, c.slug, c.name, s.shared_by FROM thread_shares s JOIN "
		       "communities c ON c.id = s.community_id WHERE s.thread_id = :t ORDER BY c.name");
	db_bind_int(st, ":t", t->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<div class=\"meta shared-to\">Also on the board of: ");
		else
			html_raw(&r->out, "; ");
		html(&r->out, "<a href=\"/communities/%s/board\">%s</a>", db_col_text(st, 1),
		     db_col_text(st, 2));
		if (db_col_int(st, 3) == r->user->id || t->may_moderate)
			button_form(r, arena_printf(r->arena, "/threads/%lld/shares/%lld/remove",
						    (long long)t->id, (long long)db_col_int(st, 0)),
				    arena_printf(r->arena, "Remove from %s", db_col_text(st, 2)),
				    "link");
	}
	sqlite3_reset(st);
	if (n) /* a <div>: the remove buttons are forms, which a <p> cannot hold */
		html_raw(&r->out, "</div>\n");
}

typedef struct {
	int64_t id;
	const char *slug, *name;
} ShareChoice;

/* As ORDER BY name does: communities.name is COLLATE NOCASE. */
static int by_name(const void *a, const void *b)
{
	return sqlite3_stricmp(((const ShareChoice *)a)->name, ((const ShareChoice *)b)->name);
}

/* The communities r->user may share the thread into (where they may post, except home), in
 * name order. A member's come from their own sign-ups and facilitations (a handful), not by
 * asking of every community whether they take part in it; read with UNION ALL and put in
 * order here, since UNION and ORDER BY each built a temporary b-tree for those few rows: a
 * tenth of the page's CPU. */
static size_t share_choices(Req *r, const Thread *t, ShareChoice **out)
{
	sqlite3_stmt *st;
	if (r->user->is_admin) {
		st = db_prepare(r->db, "SELECT c.id, c.slug, c.name FROM communities c WHERE "
				       "c.status != 'archived' AND c.id != :home AND NOT EXISTS "
				       "(SELECT 1 FROM thread_shares s WHERE s.thread_id = :t AND "
				       "s.community_id = c.id) ORDER BY c.name");
	} else {
		st = db_prepare(r->db, "SELECT c.id, c.slug, c.name FROM memberships m JOIN "
				       "communities c ON c.id = m.community_id WHERE m.user_id = :me "
				       "AND m.status = 'participant' AND c.status != 'archived' AND "
				       "c.id != :home AND NOT EXISTS (SELECT 1 FROM thread_shares s "
				       "WHERE s.thread_id = :t AND s.community_id = c.id) UNION ALL "
				       "SELECT c.id, c.slug, c.name FROM facilitators f JOIN "
				       "communities c ON c.id = f.community_id WHERE f.user_id = :me "
				       "AND c.status != 'archived' AND c.id != :home AND NOT EXISTS "
				       "(SELECT 1 FROM thread_shares s WHERE s.thread_id = :t AND "
				       "s.community_id = c.id)");
		db_bind_int(st, ":me", r->user->id);
	}
	db_bind_int(st, ":home", t->community_id);
	db_bind_int(st, ":t", t->id);
	size_t n = 0, cap = 0;
	ShareChoice *list = NULL;
	while (db_step(st) == SQLITE_ROW) {
		int64_t id = db_col_int(st, 0);
		bool seen = false; /* a facilitator may also have signed up */
		for (size_t i = 0; i < n && !seen; i++)
			seen = list[i].id == id;
		if (seen)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			ShareChoice *bigger = arena_alloc(r->arena, cap * sizeof *bigger);
			if (n)
				memcpy(bigger, list, n * sizeof *bigger);
			list = bigger;
		}
		list[n++] = (ShareChoice){id, arena_strdup(r->arena, db_col_text(st, 1)),
					  arena_strdup(r->arena, db_col_text(st, 2))};
	}
	sqlite3_reset(st);
	if (!r->user->is_admin && n > 1)
		qsort(list, n, sizeof *list, by_name);
	*out = list;
	return n;
}

static void share_form(Req *r, const Thread *t)
{
	if (t->is_private)
		return; /* a private community's discussions stay in it */
	ShareChoice *choices;
	size_t n = share_choices(r, t, &choices);
	if (!n)
		return;
	html_raw(&r->out, "<details class=\"share\"><summary>Share this discussion with "
			  "another community</summary>\n");
	form_begin(r, arena_printf(r->arena, "/threads/%lld/share", (long long)t->id));
	html_raw(&r->out, "<div class=\"field\"><label for=\"f-community\">Community "
			  "board</label>\n<select id=\"f-community\" name=\"community\">");
	for (size_t i = 0; i < n; i++)
		html(&r->out, "<option value=\"%s\">%s</option>", choices[i].slug, choices[i].name);
	html_raw(&r->out, "</select></div>\n<p class=\"hint\">The discussion stays one "
			  "conversation: it is listed on that board too, not copied.</p>\n"
			  "<button type=\"submit\">Share</button>\n");
	form_end(r);
	html_raw(&r->out, "</details>\n");
}

static void reply_form(Req *r, const Thread *t, const char *body, const char *error)
{
	if (!t->may_reply) {
		html(&r->out, "<p class=\"hint\">Only participants and facilitators of %s reply here. "
			      "<a href=\"/communities/%s\">Sign up for the community</a> to take "
			      "part.</p>\n", t->community_name, t->slug);
		return;
	}
	html_raw(&r->out, "<section aria-labelledby=\"h-reply\">\n<h2 id=\"h-reply\">Your reply"
			  "</h2>\n");
	form_begin(r, arena_printf(r->arena, "/threads/%lld/replies", (long long)t->id));
	form_textarea(r, "body", "Reply", body, error,
		      "Markdown: **bold**, *italic*, lists with -, links as [text](https://...). "
		      "Mention a member with @ and their name.");
	html_raw(&r->out, "<button type=\"submit\">Post reply</button>\n");
	form_end(r);
	html_raw(&r->out, "</section>\n");
}

/* The posts of the page, from the opening post (or the link back to it) to the end of the
 * replies' list, built with the reader's parts as slots. Returns the newest post shown. */
static int64_t page_posts(Req *r, View *v)
{
	const Thread *t = v->t;
	if (v->page == 1) {
		one_post(r, v, t->first_post_id, arena_printf(r->arena, "post-%lld",
							      (long long)t->first_post_id));
		if (t->answer_post_id) {
			html_raw(&r->out, "<section class=\"accepted-answer\" aria-labelledby=\"h-answer\">"
					  "\n<h2 id=\"h-answer\">Accepted answer</h2>\n");
			one_post(r, v, t->answer_post_id, "answer");
			viewer_part(r, v, SLOT_UNACCEPT, 0, 0);
			html_raw(&r->out, "</section>\n");
		}
	} else {
		html(&r->out, "<p class=\"meta\"><a href=\"/threads/%lld\">Back to the opening post"
			      "</a></p>\n", (long long)t->id);
	}
	viewer_part(r, v, SLOT_REPLIES_HEAD, 0, 0);
	/* The replies of this page: those after the last one of the pages before. */
	int64_t after = t->first_post_id;
	if (v->page > 1) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT id FROM posts WHERE thread_id = :t AND "
						     "id > :first ORDER BY id LIMIT 1 OFFSET :off");
		db_bind_int(st, ":t", t->id);
		db_bind_int(st, ":first", t->first_post_id);
		db_bind_int(st, ":off", (v->page - 1) * REPLIES_PAGE - 1);
		if (db_step(st) == SQLITE_ROW)
			after = db_col_int(st, 0);
		sqlite3_reset(st);
	}
	int64_t seen = replies_after(r, v, after, REPLIES_PAGE);
	html_raw(&r->out, "</div>\n");
	return seen;
}

/* The page's posts from the thread cache, or built, kept and written. Kept only when read in
 * the page's one snapshot (a GET: the counts and the posts read alike); keep false else. */
static int64_t cached_page_posts(Req *r, View *v, bool keep)
{
	const Thread *t = v->t;
	csrf_token(r); /* the slots' forms need it, and it must not be made under the lock */
	int64_t seen;
	if (keep && thread_cache_emit(r, t->id, v->page, t->version, view_fill, v, &seen))
		return seen;
	if (!keep)
		return page_posts(r, v);
	Buf page = r->out;
	r->out = (Buf){0};
	v->building = true;
	seen = page_posts(r, v);
	v->building = false;
	Buf posts = r->out;
	r->out = page;
	const char *data = posts.data ? posts.data : "";
	thread_cache_store(t->id, v->page, t->version, data, posts.len, v->slots, v->nslots, seen);
	thread_cache_write(r, data, posts.len, v->slots, v->nslots, view_fill, v);
	buf_free(&posts);
	return seen;
}

static void thread_page(Req *r, Thread *t, int64_t page, const char *reply_body,
			const char *reply_error)
{
	int64_t replies = t->replies_shown; /* traces included */
	int64_t pages = replies ? (replies + REPLIES_PAGE - 1) / REPLIES_PAGE : 1;
	if (page > pages)
		page = pages;
	bool last_page = page == pages;

	page_begin(r, page > 1 ? arena_printf(r->arena, "%s (page %lld)", t->title, (long long)page)
			       : t->title);
	html(&r->out, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>%s",
	     board_url(r, t), *t->slug ? t->community_name : "All communities", t->title);
	if (t->answer_post_id)
		html_raw(&r->out, " <span class=\"badge badge-answered\">Answered</span>");
	else if (t->question)
		html_raw(&r->out, " <span class=\"badge badge-question\">Question</span>");
	html_raw(&r->out, "</h1>\n");
	if (t->has_shares)
		shares_line(r, t);
	bool followed = t->followed;
	html_raw(&r->out, "<div class=\"thread-tools\">");
	button_form(r, arena_printf(r->arena, "/threads/%lld/%s", (long long)t->id,
				    followed ? "unfollow" : "follow"),
		    followed ? "Unfollow" : "Follow", "secondary");
	html(&r->out, "<span class=\"meta\">%s</span></div>\n",
	     followed ? "You are notified of new replies." : "Follow to be notified of new replies.");

	/* Seen up to the newest post on this page (markers above used the value from before).
	 * A reply refused (reply_error) is answered to a POST: built, not kept. */
	View v = {.t = t, .page = page, .pages = pages};
	int64_t seen = cached_page_posts(r, &v, !reply_error);
	if (last_page)
		html(&r->out, "<p class=\"live-status meta\" role=\"status\" aria-live=\"polite\"></p>\n"
			      "<script src=\"%s\" defer></script>\n", asset_url("live.js"));
	pager(r, t, page, pages);
	reply_form(r, t, reply_body, reply_error);
	share_form(r, t);
	page_end(r);
	if (seen > t->last_read)
		thread_mark_read(r->db, r->user->id, t->id, seen);
}

void handle_thread(Req *r)
{
	Thread *t = load_thread(r, req_param_id(r, 0));
	if (!t)
		return;
	int64_t page = parse_id(req_query(r, "page") ? req_query(r, "page") : "");
	thread_page(r, t, page < 1 ? 1 : page, NULL, NULL);
}

/* GET /threads/:id/replies?after=N: the replies after N as an HTML fragment (no layout), for
 * live updates; rendered exactly as on the page. */
void handle_thread_replies(Req *r)
{
	Thread *t = load_thread(r, req_param_id(r, 0));
	if (!t)
		return;
	const char *after_text = req_query(r, "after");
	int64_t after = after_text ? parse_id(after_text) : 0;
	r->content_type = "text/html; charset=utf-8";
	resp_header(r, "Cache-Control", "no-store");
	View v = {.t = t};
	int64_t last = replies_after(r, &v, after, FRAGMENT_MAX);
	if (last > t->last_read)
		thread_mark_read(r->db, r->user->id, t->id, last);
}

/* ---- writing ---- */

/* Commits, tells live listeners, and redirects; or answers 503. */
static void finish(Req *r, int64_t thread_id, const char *location)
{
	if (!db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "That could not be saved just now. Please try again.");
		return;
	}
	live_thread_changed(thread_id);
	resp_redirect(r, location);
}

static bool begin(Req *r)
{
	if (db_begin(r->db))
		return true;
	resp_error(r, 503, "That could not be saved just now. Please try again.");
	return false;
}

void handle_thread_reply(Req *r)
{
	Thread *t = load_thread(r, req_param_id(r, 0));
	if (!t)
		return;
	if (!t->may_reply) {
		resp_error(r, 403, "Only participants and facilitators of this community reply to "
				   "its discussions.");
		return;
	}
	const char *body;
	const char *error = post_body_check(r, &body);
	if (error) {
		r->status = strlen(body) > POST_BODY_MAX ? 413 : 422;
		thread_page(r, t, INT32_MAX, body, error);
		return;
	}
	if (!begin(r))
		return;
	int64_t post = post_reply(r->db, t->id, r->user->id, body, time(NULL));
	if (!post) {
		db_rollback(r->db);
		resp_error(r, 503, "Your reply could not be saved just now. Please try again.");
		return;
	}
	/* The newest post: every reply shown but itself is before it (no counting of posts). */
	finish(r, t->id, location_on_page(r, t, post, thread_replies_shown(r->db, t->id) - 1));
}

typedef struct {
	int64_t id, thread_id, author_id;
	bool deleted;
	const char *body;
} Post;

/* Loads a post of a thread the member may read (404 otherwise) and its thread. */
static Post *load_post(Req *r, Thread **thread)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, thread_id, author_id, deleted_at IS NOT "
					     "NULL, body FROM posts WHERE id = :p");
	db_bind_int(st, ":p", req_param_id(r, 0));
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no post at this address.");
		return NULL;
	}
	Post *p = arena_alloc(r->arena, sizeof *p);
	p->id = db_col_int(st, 0);
	p->thread_id = db_col_int(st, 1);
	p->author_id = db_col_int(st, 2);
	p->deleted = db_col_int(st, 3);
	p->body = arena_strdup(r->arena, db_col_text(st, 4));
	sqlite3_reset(st);
	*thread = load_thread(r, p->thread_id);
	return *thread ? p : NULL;
}

/* GET /posts/:id: the post in its thread, on the right page. */
void handle_post(Req *r)
{
	Thread *t;
	Post *p = load_post(r, &t);
	if (p)
		resp_redirect(r, post_location(r, t, p->id));
}

typedef struct {
	const char *title, *body;
	bool question;
	const char *e_title, *e_body;
} EditForm;

static void edit_page(Req *r, const Thread *t, const Post *p, const EditForm *f)
{
	bool opening = p->id == t->first_post_id;
	page_begin(r, "Edit your post");
	html(&r->out, "<p class=\"meta\"><a href=\"/posts/%lld\">%s</a></p>\n<h1>Edit your post</h1>\n",
	     (long long)p->id, t->title);
	form_error_summary(r, !!f->e_title + !!f->e_body);
	form_begin(r, arena_printf(r->arena, "/posts/%lld/edit", (long long)p->id));
	if (opening)
		form_input(r, "title", "Title", "text", f->title, f->e_title, "off");
	form_textarea(r, "body", "Message", f->body, f->e_body,
		      "Markdown: **bold**, *italic*, lists with -, links as [text](https://...). "
		      "The post will show that it was edited, and when.");
	if (opening)
		html(&r->out, "<div class=\"field checkbox\"><input id=\"f-question\" type=\"checkbox\" "
			      "name=\"question\" value=\"yes\"%s> <label for=\"f-question\">This is a "
			      "question</label></div>\n", f->question ? " checked" : "");
	html_raw(&r->out, "<button type=\"submit\">Save</button>\n");
	form_end(r);
	page_end(r);
}

/* Only the author edits a post, and not once it is deleted. */
static Post *editable_post(Req *r, Thread **t)
{
	Post *p = load_post(r, t);
	if (!p)
		return NULL;
	if (p->author_id != r->user->id) {
		resp_error(r, 403, "Only the author can edit a post.");
		return NULL;
	}
	if (p->deleted) {
		resp_error(r, 409, "This post was deleted; it cannot be edited.");
		return NULL;
	}
	return p;
}

void handle_post_edit(Req *r)
{
	Thread *t;
	Post *p = editable_post(r, &t);
	if (p)
		edit_page(r, t, p, &(EditForm){.title = t->title, .body = p->body,
					       .question = t->question});
}

void handle_post_update(Req *r)
{
	Thread *t;
	Post *p = editable_post(r, &t);
	if (!p)
		return;
	bool opening = p->id == t->first_post_id;
	EditForm f = {0};
	f.e_body = post_body_check(r, &f.body);
	if (opening)
		f.e_title = thread_title_check(r, &f.title);
	f.question = !strcmp(req_form_or(r, "question", ""), "yes");
	if (f.e_title || f.e_body) {
		r->status = f.e_body && strlen(f.body) > POST_BODY_MAX ? 413 : 422;
		edit_page(r, t, p, &f);
		return;
	}
	if (!begin(r))
		return;
	if (!post_update(r->db, p->id, f.body, opening ? f.title : NULL, f.question, time(NULL))) {
		db_rollback(r->db);
		resp_error(r, 503, "Your post could not be saved just now. Please try again.");
		return;
	}
	finish(r, t->id, post_location(r, t, p->id));
}

void handle_post_delete(Req *r)
{
	Thread *t;
	Post *p = load_post(r, &t);
	if (!p)
		return;
	if (p->author_id != r->user->id && !t->may_moderate) {
		resp_error(r, 403, "Only the author, the community's facilitators and association "
				   "staff can delete a post.");
		return;
	}
	if (p->deleted) {
		resp_redirect(r, post_location(r, t, p->id));
		return;
	}
	if (!begin(r))
		return;
	if (!post_delete(r->db, p->id, r->user->id, time(NULL))) {
		db_rollback(r->db);
		resp_error(r, 503, "The post could not be deleted just now. Please try again.");
		return;
	}
	if (p->author_id != r->user->id) /* a moderator's deletion */
		audit_user(r, "post.delete", p->author_id, "post #%lld in thread #%lld",
			   (long long)p->id, (long long)t->id);
	finish(r, t->id, post_location(r, t, p->id));
}

void handle_post_accept(Req *r)
{
	Thread *t;
	Post *p = load_post(r, &t);
	if (!p)
		return;
	if (!t->is_asker && !t->may_moderate) {
		resp_error(r, 403, "Only the member who asked, the community's facilitators and "
				   "association staff can mark the answer.");
		return;
	}
	if (!t->question || p->id == t->first_post_id || p->deleted) {
		resp_error(r, 409, "Only a reply to a question can be its answer.");
		return;
	}
	if (!begin(r))
		return;
	if (!thread_accept(r->db, t->id, p->id, r->user->id)) {
		db_rollback(r->db);
		resp_error(r, 503, "The answer could not be marked just now. Please try again.");
		return;
	}
	finish(r, t->id, arena_printf(r->arena, "/threads/%lld?notice=answer-marked#answer",
				      (long long)t->id));
}

void handle_thread_unaccept(Req *r)
{
	Thread *t = load_thread(r, req_param_id(r, 0));
	if (!t)
		return;
	if (!t->is_asker && !t->may_moderate) {
		resp_error(r, 403, "Only the member who asked, the community's facilitators and "
				   "association staff can change the answer.");
		return;
	}
	if (!begin(r))
		return;
	thread_accept(r->db, t->id, 0, r->user->id);
	finish(r, t->id, arena_printf(r->arena, "/threads/%lld?notice=answer-cleared",
				      (long long)t->id));
}

void handle_thread_share(Req *r)
{
	Thread *t = load_thread(r, req_param_id(r, 0));
	if (!t)
		return;
	if (t->is_private) {
		resp_error(r, 409, "Discussions of a private community stay in that community.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id FROM communities WHERE slug = :s AND "
					     "status != 'archived'");
	db_bind_text(st, ":s", req_form_or(r, "community", ""));
	int64_t target = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	if (!target) {
		resp_error(r, 422, "Choose a community to share the discussion with.");
		return;
	}
	if (target == t->community_id) {
		resp_error(r, 409, "The discussion is already on that community's board.");
		return;
	}
	if (!community_postable(r, target)) {
		resp_error(r, 403, "You can share a discussion only into communities you take part "
				   "in or facilitate.");
		return;
	}
	if (!begin(r))
		return;
	bool added = thread_share(r->db, t->id, target, r->user->id, time(NULL));
	finish(r, t->id, arena_printf(r->arena, "/threads/%lld?notice=%s", (long long)t->id,
				      added ? "thread-shared" : "already-shared"));
}

void handle_thread_unshare(Req *r)
{
	Thread *t = load_thread(r, req_param_id(r, 0));
	if (!t)
		return;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT community_id, shared_by FROM thread_shares "
					     "WHERE id = :s AND thread_id = :t");
	db_bind_int(st, ":s", req_param_id(r, 1));
	db_bind_int(st, ":t", t->id);
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "This discussion is not shared there.");
		return;
	}
	int64_t community = db_col_int(st, 0), by = db_col_int(st, 1);
	sqlite3_reset(st);
	if (by != r->user->id && !community_moderated_by(r, community) && !t->may_moderate) {
		resp_error(r, 403, "Only who shared it, the facilitators and association staff can "
				   "remove a shared discussion from a board.");
		return;
	}
	st = db_prepare(r->db, "DELETE FROM thread_shares WHERE id = :s");
	db_bind_int(st, ":s", req_param_id(r, 1));
	if (!db_run(st)) {
		resp_error(r, 503, "That could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/threads/%lld?notice=share-removed",
				      (long long)t->id));
}
