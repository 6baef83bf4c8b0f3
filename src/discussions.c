/* Discussion boards: who may read and post, the association-wide board (/board), each
 * community's board with the threads shared into it, starting a thread, and the "Recent
 * discussions" lists on the community and member homes. The thread page and what happens
 * inside a thread are in threads.c; the writes themselves in posts.c. */
#include "discussions.h"

#include <string.h>
#include <time.h>

#include "assets.h"
#include "board_cache.h"
#include "communities.h"
#include "handlers.h"
#include "html.h"
#include "live.h"
#include "page.h"
#include "posts.h"
#include "validate.h"

#define BOARD_PAGE 30 /* threads per board page */
#define PAGE_MAX 100000

/* ---- who may read, who may post ---- */

bool thread_readable_by(Db *db, int64_t user_id, bool is_admin, int64_t thread_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT coalesce(community_id, 0) FROM threads "
					  "WHERE id = :t");
	db_bind_int(st, ":t", thread_id);
	if (db_step(st) != SQLITE_ROW)
		return false;
	int64_t community = db_col_int(st, 0);
	sqlite3_reset(st);
	return !community || community_readable_by(db, user_id, is_admin, community);
}

bool thread_readable(Req *r, int64_t thread_id)
{
	return r->user && r->user->is_member &&
	       thread_readable_by(r->db, r->user->id, r->user->is_admin, thread_id);
}

bool community_postable(Req *r, int64_t community_id)
{
	if (!r->user || !r->user->is_member)
		return false;
	if (!community_id || r->user->is_admin)
		return true;
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT EXISTS (SELECT 1 FROM facilitators WHERE community_id = :c AND "
		       "user_id = :u) OR EXISTS (SELECT 1 FROM memberships WHERE community_id = :c "
		       "AND user_id = :u AND status = 'participant')");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":u", r->user->id);
	bool ok = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	return ok;
}

bool community_moderated_by(Req *r, int64_t community_id)
{
	if (r->user->is_admin)
		return true;
	if (!community_id)
		return false;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT 1 FROM facilitators WHERE community_id = :c "
					     "AND user_id = :u");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":u", r->user->id);
	bool ok = db_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return ok;
}

/* ---- lists of threads ---- */

/* Columns every thread list selects, in this order (see thread_item). */
enum { C_ID, C_TITLE, C_QUESTION, C_ANSWERED, C_AUTHOR_ID, C_AUTHOR, C_REPLIES, C_LAST_AT,
       C_UNREAD, C_SHARED, C_HOME_SLUG, C_HOME_NAME };

/* How a list item starts, and what an unread thread adds: after ITEM_OPEN, and after its
 * title's link (the kept board lists put each reader's marks there, board_cache.h). */
#define ITEM_OPEN "<li class=\"thread-item"
#define UNREAD_CLASS " unread"
#define UNREAD_BADGE                                                                          \
	" <span class=\"badge badge-new\">New<span class=\"visually-hidden\"> activity</span></span>"

/* One thread in a list; heading is the level of its title (2 or 3). */
static void thread_item(Req *r, sqlite3_stmt *st, int heading, bool show_home)
{
	bool unread = db_col_int(st, C_UNREAD), shared = db_col_int(st, C_SHARED);
	int64_t replies = db_col_int(st, C_REPLIES);
	html(&r->out, ITEM_OPEN "%s\">\n<h%d class=\"thread-title\"><a href=\"/threads/%lld\">%s</a>",
	     unread ? UNREAD_CLASS : "", heading, (long long)db_col_int(st, C_ID),
	     db_col_text(st, C_TITLE));
	if (unread)
		html_raw(&r->out, UNREAD_BADGE);
	if (db_col_int(st, C_ANSWERED))
		html_raw(&r->out, " <span class=\"badge badge-answered\">Answered</span>");
	else if (db_col_int(st, C_QUESTION))
		html_raw(&r->out, " <span class=\"badge badge-question\">Question</span>");
	html(&r->out, "</h%d>\n<p class=\"meta\">Started by <a href=\"/members/%lld\">%s</a> · "
		      "%lld repl%s · last activity %s, %s",
	     heading, (long long)db_col_int(st, C_AUTHOR_ID), db_col_text(st, C_AUTHOR),
	     (long long)replies, replies == 1 ? "y" : "ies",
	     format_date(r, db_col_int(st, C_LAST_AT)), format_time(r, db_col_int(st, C_LAST_AT)));
	const char *slug = db_col_text(st, C_HOME_SLUG);
	if (shared || show_home) {
		if (*slug)
			html(&r->out, " · %s <a href=\"/communities/%s/board\">%s</a>",
			     shared ? "shared from" : "in", slug, db_col_text(st, C_HOME_NAME));
		else
			html(&r->out, " · %s <a href=\"/board\">All communities</a>",
			     shared ? "shared from" : "in");
	}
	html_raw(&r->out, "</p>\n</li>\n");
}

/* A member may read a thread's home: the all board, an open community, or one they are in. */
#define READABLE_HOME(t)                                                                      \
	"(" t ".community_id IS NULL OR :admin OR EXISTS (SELECT 1 FROM communities rc WHERE "  \
	"rc.id = " t ".community_id AND rc.visibility = 'open') OR EXISTS (SELECT 1 FROM "      \
	"facilitators rf WHERE rf.community_id = " t ".community_id AND rf.user_id = :me) OR "  \
	"EXISTS (SELECT 1 FROM memberships rm WHERE rm.community_id = " t ".community_id AND "  \
	"rm.user_id = :me AND rm.status = 'participant'))"

/* Unread is a lookup per listed thread, not a LEFT JOIN: SQLite answered the join by
 * building a Bloom filter over every thread the member ever read, on each page view
 * (28,000 steps for the home page's five threads on the benchmark database; issue 8). */
#define ITEM_COLUMNS                                                                          \
	"t.id, t.title, t.is_question, t.answer_post_id IS NOT NULL, u.id, u.name, "           \
	"t.reply_count, t.last_post_at, coalesce((SELECT tr.last_read_post_id FROM "           \
	"thread_reads tr WHERE tr.user_id = :me AND tr.thread_id = t.id), -1) < "               \
	"t.last_post_id, "

/* After a page of a board's threads: what an empty page says, and the pager. */
static void board_list_end(Req *r, int n, int page, bool more)
{
	if (n)
		html_raw(&r->out, "</ol>\n");
	else if (page == 1)
		html_raw(&r->out, "<p>No discussions yet. Start the first one!</p>\n");
	else
		html_raw(&r->out, "<p>There are no discussions on this page.</p>\n");
	if (page > 1 || more) {
		html_raw(&r->out, "<nav class=\"pager\" aria-label=\"Pages of discussions\">");
		if (page > 1)
			html(&r->out, "<a rel=\"prev\" href=\"?page=%d\">Newer discussions</a> ", page - 1);
		html(&r->out, "<span aria-current=\"page\">Page %d</span>", page);
		if (more)
			html(&r->out, " <a rel=\"next\" href=\"?page=%d\">Older discussions</a>", page + 1);
		html_raw(&r->out, "</nav>\n");
	}
}

/* The board of community_id (0: the association-wide board), one page, newest activity
 * first: the board's own threads and those shared into it, merged from two index ranges.
 * Read for this member alone: the pages past the kept ones, and databases without the
 * board count (before migration 015). */
static void board_threads(Req *r, int64_t community_id, int page)
{
	sqlite3_stmt *st = db_prepare(
		r->db,
		"SELECT " ITEM_COLUMNS "b.shared, coalesce(hc.slug, ''), coalesce(hc.name, '') FROM "
		"(SELECT id AS thread_id, last_post_at AS at, 0 AS shared FROM threads WHERE "
		"community_id IS :c UNION ALL SELECT s.thread_id, s.last_post_at, 1 FROM "
		"thread_shares s WHERE s.community_id IS :c AND (SELECT " READABLE_HOME("h")
		" AND h.community_id IS NOT s.community_id FROM threads h WHERE h.id = s.thread_id) "
		"ORDER BY 2 DESC, 1 DESC "
		"LIMIT :limit OFFSET :offset) b "
		"JOIN threads t ON t.id = b.thread_id JOIN users u ON u.id = t.author_id "
		"LEFT JOIN communities hc ON hc.id = t.community_id "
		"ORDER BY b.at DESC, b.thread_id DESC");
	if (community_id)
		db_bind_int(st, ":c", community_id);
	else
		db_bind_text(st, ":c", NULL);
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	db_bind_int(st, ":limit", BOARD_PAGE + 1); /* one more tells whether there is a next page */
	db_bind_int(st, ":offset", (int64_t)(page - 1) * BOARD_PAGE);
	int n = 0;
	while (n < BOARD_PAGE && db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ol class=\"threads\">\n");
		thread_item(r, st, 2, false);
	}
	bool more = n == BOARD_PAGE && db_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	board_list_end(r, n, page, more);
}

/* ---- kept board lists (board_cache.h) ---- */

/* A board's first two pages are kept, and one more thread that says the second has a next.
 * A member who may not see some threads shared into the board (from a private community)
 * sees fewer per kept list; when their page runs past it, it is read for them alone. */
#define KEPT_THREADS (2 * BOARD_PAGE + 1)

/* Builds the list of community_id's board every reader sees alike, under a's counts (read in
 * this request's snapshot, before the list). Items are written by thread_item(), unread
 * never: a reader's marks go in at mark_at and badge_at. */
static BoardList *board_list_build(Req *r, int64_t community_id, const BoardAccess *a)
{
	sqlite3_stmt *st = db_prepare(
		r->db,
		"SELECT t.id, t.title, t.is_question, t.answer_post_id IS NOT NULL, u.id, u.name, "
		"t.reply_count, t.last_post_at, 0, b.shared, coalesce(hc.slug, ''), "
		"coalesce(hc.name, ''), t.last_post_id, CASE WHEN b.shared AND hc.visibility = "
		"'private' THEN hc.id ELSE 0 END FROM "
		"(SELECT id AS thread_id, last_post_at AS at, 0 AS shared FROM threads WHERE "
		"community_id IS :c UNION ALL SELECT s.thread_id, s.last_post_at, 1 FROM "
		"thread_shares s WHERE s.community_id IS :c AND (SELECT h.community_id IS NOT "
		"s.community_id FROM threads h WHERE h.id = s.thread_id) ORDER BY 2 DESC, 1 DESC "
		"LIMIT :limit) b "
		"JOIN threads t ON t.id = b.thread_id JOIN users u ON u.id = t.author_id "
		"LEFT JOIN communities hc ON hc.id = t.community_id "
		"ORDER BY b.at DESC, b.thread_id DESC");
	if (community_id)
		db_bind_int(st, ":c", community_id);
	else
		db_bind_text(st, ":c", NULL);
	db_bind_int(st, ":limit", KEPT_THREADS + 1); /* one more tells whether there are more */
	BoardList *l = xmalloc(sizeof *l);
	memset(l, 0, sizeof *l);
	l->community_id = community_id;
	l->communities_v = a->communities_v;
	l->boards_v = a->boards_v;
	l->items = xmalloc(KEPT_THREADS * sizeof *l->items);
	Buf page_so_far = r->out; /* thread_item() writes to r->out: lend it an empty one */
	r->out = (Buf){0};
	while (l->nitems < KEPT_THREADS && db_step(st) == SQLITE_ROW) {
		BoardItem *it = &l->items[l->nitems++];
		it->start = r->out.len;
		it->thread_id = db_col_int(st, C_ID);
		it->last_post_id = db_col_int(st, 12);
		it->need_id = db_col_int(st, 13);
		thread_item(r, st, 2, false);
		/* The title is escaped, so the item's first "</a>" closes the title's link. */
		it->mark_at = it->start + strlen(ITEM_OPEN);
		it->badge_at = (size_t)(strstr(r->out.data + it->start, "</a>") - r->out.data) + 4;
	}
	l->complete = l->nitems < KEPT_THREADS || db_step(st) != SQLITE_ROW;
	sqlite3_reset(st);
	l->text = buf_take(&r->out, &l->len);
	r->out = page_so_far;
	st = db_prepare(r->db, "SELECT coalesce(max(id), 0) FROM threads");
	l->newest_thread = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return l;
}

static BoardList *board_list(Req *r, int64_t community_id, const BoardAccess *a)
{
	BoardList *l = board_list_get(community_id, a->communities_v, a->boards_v);
	return l ? l : board_list_keep(board_list_build(r, community_id, a));
}

/* Which of shown[0..n) the member has not read to the end: one statement for the page, the
 * ids as one JSON array (a join from json_each reads each thread's row once: 256 steps for
 * 30 threads, against 444 for an IN list of 30 parameters, each bound by name). */
static void unread_marks(Req *r, const BoardItem *const *shown, int n, bool *unread)
{
	for (int i = 0; i < n; i++)
		unread[i] = true; /* never opened: no row */
	if (!n)
		return;
	Buf ids = {0};
	for (int i = 0; i < n; i++)
		buf_printf(&ids, "%c%lld", i ? ',' : '[', (long long)shown[i]->thread_id);
	buf_putc(&ids, ']');
	sqlite3_stmt *st = db_prepare(r->db, "SELECT tr.thread_id, tr.last_read_post_id FROM "
					     "json_each(:ids) j JOIN thread_reads tr ON tr.user_id = "
					     ":me AND tr.thread_id = j.value");
	db_bind_text(st, ":ids", ids.data);
	db_bind_int(st, ":me", r->user->id);
	buf_free(&ids);
	while (db_step(st) == SQLITE_ROW) {
		int64_t thread = db_col_int(st, 0), read = db_col_int(st, 1);
		for (int i = 0; i < n; i++)
			if (shown[i]->thread_id == thread)
				unread[i] = read < shown[i]->last_post_id;
	}
	sqlite3_reset(st);
}

/* One page of a kept list as this member sees it: the threads they may see, their unread
 * marks. False (nothing written) when the page runs past what is kept. */
static bool kept_board_threads(Req *r, const BoardAccess *a, const BoardList *l, int page)
{
	const BoardItem *shown[BOARD_PAGE];
	int n = 0;
	bool more = false;
	size_t skip = (size_t)(page - 1) * BOARD_PAGE, seen = 0;
	for (size_t i = 0; i < l->nitems; i++) {
		const BoardItem *it = &l->items[i];
		if (it->need_id && !a->admin && !board_member_of(a, it->need_id))
			continue;
		if (seen++ < skip)
			continue;
		if (n == BOARD_PAGE) {
			more = true;
			break;
		}
		shown[n++] = it;
	}
	if (!more && !l->complete)
		return false;
	bool unread[BOARD_PAGE];
	unread_marks(r, shown, n, unread);
	if (n)
		html_raw(&r->out, "<ol class=\"threads\">\n");
	for (int i = 0; i < n; i++) {
		const BoardItem *it = shown[i];
		size_t end = it + 1 < l->items + l->nitems ? it[1].start : l->len;
		buf_append(&r->out, l->text + it->start, it->mark_at - it->start);
		if (unread[i])
			html_raw(&r->out, UNREAD_CLASS);
		buf_append(&r->out, l->text + it->mark_at, it->badge_at - it->mark_at);
		if (unread[i])
			html_raw(&r->out, UNREAD_BADGE);
		buf_append(&r->out, l->text + it->badge_at, end - it->badge_at);
	}
	board_list_end(r, n, page, more);
	return true;
}

/* The first page of a board listens for new discussions (static/live.js): the list is in
 * #threads, which the script refreshes from this same page; the page works without it.
 * newest: the highest thread id, or -1 to read it. */
static void live_board_begin(Req *r, const char *events, int page, int64_t newest)
{
	html_raw(&r->out, "<div>\n");
	if (page != 1)
		return;
	if (newest < 0) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT coalesce(max(id), 0) FROM threads");
		newest = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
		sqlite3_reset(st);
	}
	html(&r->out, "<p class=\"live-status meta\" role=\"status\" aria-live=\"polite\"></p>\n"
		      "<div id=\"threads\" data-events=\"%s\" data-after=\"%lld\">\n",
	     events, (long long)newest);
}

static void live_board_end(Req *r, int page)
{
	if (page == 1)
		html(&r->out, "</div>\n<script src=\"%s\" defer></script>\n", asset_url("live.js"));
	html_raw(&r->out, "</div>\n");
}

static int page_number(Req *r)
{
	int64_t page = parse_id(req_query(r, "page") ? req_query(r, "page") : "");
	return page < 1 ? 1 : page > PAGE_MAX ? PAGE_MAX : (int)page;
}

static void board_links_begin(Req *r, int64_t current)
{
	html_raw(&r->out, "<nav class=\"board-links\" aria-labelledby=\"h-boards\">\n"
			  "<h2 id=\"h-boards\">Boards</h2>\n<ul>\n");
	if (current)
		html_raw(&r->out, "<li><a href=\"/board\">All communities</a></li>\n");
	else
		html_raw(&r->out, "<li><a href=\"/board\" aria-current=\"page\">All communities</a>"
				  "</li>\n");
}

/* The attribute is markup, not text: html() would escape its quotes (it did, until issue 8). */
static void board_link(Req *r, int64_t id, const char *slug, const char *name, int64_t current)
{
	html(&r->out, "<li><a href=\"/communities/%s/board\"", slug);
	if (id == current)
		html_raw(&r->out, " aria-current=\"page\"");
	html(&r->out, ">%s</a></li>\n", name);
}

/* The other boards a member may read, for moving between them; a: what they may reach, or
 * NULL to read it. */
static void board_links(Req *r, const BoardAccess *a, int64_t current)
{
	board_links_begin(r, current);
	if (a) {
		for (size_t i = 0; i < a->nall; i++) {
			const BoardCommunity *c = &a->all[i];
			if (c->archived || (c->private_ && !a->admin && !board_member_of(a, c->id)))
				continue;
			/* board_link()'s markup, escaped when the list was kept */
			buf_puts(&r->out, c->link_open);
			if (c->id == current)
				buf_puts(&r->out, " aria-current=\"page\"");
			buf_puts(&r->out, c->link_close);
		}
	} else {
		sqlite3_stmt *st = db_prepare(
			r->db,
			"SELECT c.id, c.slug, c.name FROM communities c WHERE c.status != 'archived' "
			"AND (c.visibility = 'open' OR :admin OR EXISTS (SELECT 1 FROM facilitators f "
			"WHERE f.community_id = c.id AND f.user_id = :me) OR EXISTS (SELECT 1 FROM "
			"memberships m WHERE m.community_id = c.id AND m.user_id = :me AND m.status = "
			"'participant')) ORDER BY c.name");
		db_bind_int(st, ":me", r->user->id);
		db_bind_int(st, ":admin", r->user->is_admin);
		while (db_step(st) == SQLITE_ROW)
			board_link(r, db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
				   current);
		sqlite3_reset(st);
	}
	html_raw(&r->out, "</ul>\n</nav>\n");
}

/* A board's list, its live updates and the links to other boards; a: what the member may
 * reach (kept), or NULL when the database keeps no board count. */
static void board_body(Req *r, const BoardAccess *a, int64_t community_id, const char *events,
		       int page)
{
	BoardList *l = a ? board_list(r, community_id, a) : NULL;
	html_raw(&r->out, "<div class=\"board\">\n");
	live_board_begin(r, events, page, l ? l->newest_thread : -1);
	if (!l || !kept_board_threads(r, a, l, page))
		board_threads(r, community_id, page);
	live_board_end(r, page);
	board_links(r, a, community_id);
	html_raw(&r->out, "</div>\n");
	board_list_release(l);
}

void handle_board(Req *r)
{
	int page = page_number(r);
	BoardAccess a;
	bool kept = board_access_load(r, &a);
	page_begin(r, page > 1 ? arena_printf(r->arena, "All communities, page %d", page)
			       : "All communities");
	html_raw(&r->out, "<h1>All communities</h1>\n<p class=\"lead\">Questions and conversations "
			  "across every Community of Practice: ask here when your question is not "
			  "for one group alone.</p>\n<p><a class=\"button\" href=\"/board/new\">Start "
			  "a discussion</a></p>\n");
	board_body(r, kept ? &a : NULL, 0, "/board/events", page);
	board_access_release(&a);
	page_end(r);
}

/* Loads the :slug community for a board page; answers 403 to a member who may not read a
 * private community's board (the community itself is listed in the directory). */
static Community *readable_community(Req *r)
{
	Community *c = community_from_path_uncounted(r);
	if (c && !community_readable(r, c->id)) {
		resp_error(r, 403, "This community's discussions are private to its participants "
				   "and facilitators.");
		return NULL;
	}
	return c;
}

void handle_community_board(Req *r)
{
	BoardAccess a;
	bool kept = board_access_load(r, &a);
	const BoardCommunity *kc = kept ? board_community_by_slug(&a, req_param(r, 0)) : NULL;
	int64_t id;
	const char *slug, *name;
	bool postable;
	if (kc) {
		if (!board_may_read(&a, kc->id)) {
			board_access_release(&a);
			resp_error(r, 403, "This community's discussions are private to its "
					   "participants and facilitators.");
			return;
		}
		id = kc->id, slug = kc->slug, name = kc->name;
		postable = a.admin || board_member_of(&a, id);
	} else {
		/* No kept counts, or no such community: the 404 is community.c's. */
		Community *c = readable_community(r);
		if (!c) {
			board_access_release(&a);
			return;
		}
		id = c->id, slug = c->slug, name = c->name;
		postable = community_postable(r, id);
	}
	int page = page_number(r);
	page_begin(r, page > 1 ? arena_printf(r->arena, "%s: discussions, page %d", name, page)
			       : arena_printf(r->arena, "%s: discussions", name));
	html(&r->out, "<p class=\"meta\"><a href=\"/communities/%s\">%s</a></p>\n<h1>Discussions"
		      "<span class=\"visually-hidden\">: %s</span></h1>\n",
	     slug, name, name);
	if (postable)
		html(&r->out, "<p><a class=\"button\" href=\"/communities/%s/board/new\">Start a "
			      "discussion</a></p>\n", slug);
	else
		html(&r->out, "<p class=\"hint\">Participants and facilitators post here; everyone "
			      "can read. <a href=\"/communities/%s\">Sign up for the community</a> to "
			      "take part, or ask on <a href=\"/board\">All communities</a>.</p>\n",
		     slug);
	board_body(r, kc ? &a : NULL, id,
		   arena_printf(r->arena, "/communities/%s/board/events", slug), page);
	board_access_release(&a);
	page_end(r);
}

/* ---- starting a thread ---- */

typedef struct {
	const char *title, *body;
	bool question;
	const char *e_title, *e_body;
} ThreadForm;

static void new_thread_page(Req *r, const Community *c, const ThreadForm *f)
{
	const char *board = c ? arena_printf(r->arena, "/communities/%s/board", c->slug) : "/board";
	page_begin(r, "Start a discussion");
	html(&r->out, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>Start a discussion</h1>\n",
	     board, c ? c->name : "All communities");
	form_error_summary(r, !!f->e_title + !!f->e_body);
	form_begin(r, board);
	form_input(r, "title", "Title", "text", f->title, f->e_title, "off");
	form_textarea(r, "body", "Message", f->body, f->e_body,
		      "Markdown: **bold**, *italic*, lists with -, links as [text](https://...). "
		      "Mention a member with @ and their name, e.g. @Maria Alvarez.");
	html(&r->out, "<div class=\"field checkbox\"><input id=\"f-question\" type=\"checkbox\" "
		      "name=\"question\" value=\"yes\"%s> <label for=\"f-question\">This is a question "
		      "(the best reply can be marked as its answer)</label></div>\n",
	     f->question ? " checked" : "");
	html_raw(&r->out, "<button type=\"submit\">Post</button>\n");
	form_end(r);
	page_end(r);
}

/* Reads and checks a post's body from the form field "body"; NULL error when good. */
const char *post_body_check(Req *r, const char **body)
{
	const char *raw = req_form_or(r, "body", "");
	*body = raw;
	const char *t = trimmed(r->arena, raw);
	if (!*t)
		return "Write a message.";
	if (strlen(raw) > POST_BODY_MAX)
		return arena_printf(r->arena, "This is too long (%zu characters): a post can have at "
					      "most %d. Split it in two, or share a long document in "
					      "the library.",
				    strlen(raw), POST_BODY_MAX);
	return NULL;
}

const char *thread_title_check(Req *r, const char **title)
{
	*title = trimmed(r->arena, req_form_or(r, "title", ""));
	if (!**title)
		return "Give the discussion a title.";
	if (strlen(*title) > THREAD_TITLE_MAX)
		return arena_printf(r->arena, "Enter a title of at most %d characters.",
				    THREAD_TITLE_MAX);
	return NULL;
}

static void create_thread(Req *r, const Community *c)
{
	ThreadForm f = {0};
	f.e_title = thread_title_check(r, &f.title);
	f.e_body = post_body_check(r, &f.body);
	f.question = !strcmp(req_form_or(r, "question", ""), "yes");
	if (f.e_title || f.e_body) {
		r->status = f.e_body && strlen(f.body) > POST_BODY_MAX ? 413 : 422;
		new_thread_page(r, c, &f);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The discussion could not be saved just now. Please try again.");
		return;
	}
	NewThread nt = {.community_id = c ? c->id : 0, .author_id = r->user->id,
			.title = f.title, .body = f.body, .question = f.question,
			.now = time(NULL)};
	int64_t id = thread_create(r->db, &nt, NULL);
	if (!id || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The discussion could not be saved just now. Please try again.");
		return;
	}
	live_board_changed(c ? c->id : 0);
	resp_redirect(r, arena_printf(r->arena, "/threads/%lld?notice=thread-posted", (long long)id));
}

void handle_board_new(Req *r)
{
	new_thread_page(r, NULL, &(ThreadForm){0});
}

void handle_board_post(Req *r)
{
	create_thread(r, NULL);
}

void handle_community_board_new(Req *r)
{
	Community *c = community_from_path(r);
	if (c)
		new_thread_page(r, c, &(ThreadForm){0});
}

void handle_community_board_post(Req *r)
{
	Community *c = community_from_path(r);
	if (c)
		create_thread(r, c);
}

/* ---- recent discussions ---- */

void discussions_recent_section(Req *r, int64_t community_id, const char *board_url, int limit)
{
	if (community_id && !community_readable(r, community_id))
		return;
	sqlite3_stmt *st;
	if (community_id) {
		st = db_prepare(
			r->db,
			"SELECT " ITEM_COLUMNS "b.shared, coalesce(hc.slug, ''), coalesce(hc.name, '') "
			"FROM (SELECT id AS thread_id, last_post_at AS at, 0 AS shared FROM threads "
			"WHERE community_id = :c UNION ALL SELECT s.thread_id, s.last_post_at, 1 FROM "
			"thread_shares s WHERE s.community_id = :c AND (SELECT " READABLE_HOME("h")
			" AND h.community_id IS NOT s.community_id FROM threads h WHERE "
			"h.id = s.thread_id) ORDER BY 2 DESC, 1 DESC LIMIT "
			":limit) b JOIN threads t ON t.id = b.thread_id JOIN users u ON "
			"u.id = t.author_id LEFT JOIN communities hc ON hc.id = t.community_id "
				"ORDER BY b.at DESC, b.thread_id DESC");
		db_bind_int(st, ":c", community_id);
	} else {
		st = db_prepare(
			r->db,
			"SELECT " ITEM_COLUMNS "0, coalesce(hc.slug, ''), coalesce(hc.name, '') FROM "
			"threads t JOIN users u ON u.id = t.author_id LEFT JOIN communities hc ON "
			"hc.id = t.community_id WHERE " READABLE_HOME("t")
			" ORDER BY t.last_post_at DESC, t.id DESC LIMIT :limit");
	}
	db_bind_int(st, ":me", r->user->id);
	db_bind_int(st, ":admin", r->user->is_admin);
	db_bind_int(st, ":limit", limit);
	html_raw(&r->out, "<section aria-labelledby=\"h-discussions\">\n"
			  "<h2 id=\"h-discussions\">Recent discussions</h2>\n");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ol class=\"threads compact\">\n");
		thread_item(r, st, 3, !community_id);
	}
	sqlite3_reset(st);
	if (n)
		html_raw(&r->out, "</ol>\n");
	else
		html_raw(&r->out, "<p>No discussions yet.</p>\n");
	html(&r->out, "<p><a href=\"%s\">All discussions</a></p>\n</section>\n", board_url);
}
