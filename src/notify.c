/* Notifications and thread follows (see notify.h): writing them inside other features' write
 * transactions, the inbox at /notifications with mark read and mark all read, and the follow
 * and unfollow buttons of a thread. Notifications are plain text with a local link; a member
 * sees only their own, and every state change is a POST checked for CSRF by dispatch(). */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "discussions.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

#define PAGE_SIZE 25
#define TEXT_MAX 300 /* a notification's text is a one-line summary, cut to this */

static const char *const kinds[] = {"mention", "reply", "material", "meeting", "promotion", NULL};

/* At most TEXT_MAX bytes, cut on a UTF-8 character boundary. */
static void bind_summary(sqlite3_stmt *st, const char *text)
{
	size_t n = strlen(text);
	if (n <= TEXT_MAX) {
		db_bind_text(st, ":text", text);
		return;
	}
	char cut[TEXT_MAX + 4];
	n = TEXT_MAX - 3;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	memcpy(cut, text, n);
	memcpy(cut + n, "...", 4);
	db_bind_text(st, ":text", cut);
}

void notify_user(Db *db, int64_t user_id, const char *kind, const char *text, const char *link)
{
	if (user_id <= 0 || !one_of(kind, kinds) || !is_local_path(link))
		return;
	sqlite3_stmt *st = db_prepare(db, "INSERT INTO notifications (user_id, kind, text, link, "
					  "created_at) SELECT id, :kind, :text, :link, :now "
					  "FROM users WHERE id = :u AND status = 'active'");
	db_bind_int(st, ":u", user_id);
	db_bind_text(st, ":kind", kind);
	bind_summary(st, text);
	db_bind_text(st, ":link", link);
	db_bind_int(st, ":now", time(NULL));
	db_run(st);
}

void notify_community(Db *db, int64_t community_id, int64_t except_user_id, const char *kind,
		      const char *text, const char *link)
{
	if (!one_of(kind, kinds) || !is_local_path(link))
		return;
	sqlite3_stmt *st;
	if (community_id > 0) {
		/* UNION, not UNION ALL: a facilitator who also signed up hears once. */
		st = db_prepare(db, "INSERT INTO notifications (user_id, kind, text, link, created_at) "
				    "SELECT u.id, :kind, :text, :link, :now FROM users u WHERE "
				    "u.status = 'active' AND u.id != :except AND u.id IN ("
				    "SELECT user_id FROM memberships WHERE community_id = :c AND "
				    "status = 'participant' UNION SELECT user_id FROM facilitators "
				    "WHERE community_id = :c AND user_id IS NOT NULL) ORDER BY u.id");
		db_bind_int(st, ":c", community_id);
	} else {
		/* Association-wide: everyone who may use the members' pages (users.c's rule). */
		st = db_prepare(db, "INSERT INTO notifications (user_id, kind, text, link, created_at) "
				    "SELECT u.id, :kind, :text, :link, :now FROM users u WHERE "
				    "u.status = 'active' AND u.id != :except AND (u.role = 'admin' OR "
				    "EXISTS (SELECT 1 FROM schools s WHERE s.id = u.school_id AND "
				    "s.status = 'active')) ORDER BY u.id");
	}
	db_bind_int(st, ":except", except_user_id);
	db_bind_text(st, ":kind", kind);
	bind_summary(st, text);
	db_bind_text(st, ":link", link);
	db_bind_int(st, ":now", time(NULL));
	db_run(st);
}

void notify_promotion(Db *db, int64_t community_id, int64_t user_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT name, slug FROM communities WHERE id = :c");
	db_bind_int(st, ":c", community_id);
	if (db_step(st) != SQLITE_ROW)
		return;
	char text[TEXT_MAX + 1], link[160];
	snprintf(text, sizeof text, "A seat opened in “%s”: you are now a participant.",
		 db_col_text(st, 0));
	snprintf(link, sizeof link, "/communities/%s", db_col_text(st, 1));
	sqlite3_reset(st);
	notify_user(db, user_id, "promotion", text, link);
}

/* ---- follows ---- */

void thread_follow(Db *db, int64_t user_id, int64_t thread_id)
{
	/* OR IGNORE: an earlier explicit choice (following or not) stands. */
	sqlite3_stmt *st = db_prepare(db, "INSERT OR IGNORE INTO thread_follows (thread_id, user_id, "
					  "following, changed_at) VALUES (:t, :u, 1, :now)");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":now", time(NULL));
	db_run(st);
}

static bool set_following(Db *db, int64_t user_id, int64_t thread_id, bool following)
{
	sqlite3_stmt *st = db_prepare(
		db, "INSERT INTO thread_follows (thread_id, user_id, following, changed_at) VALUES "
		    "(:t, :u, :f, :now) ON CONFLICT (thread_id, user_id) DO UPDATE SET "
		    "following = excluded.following, changed_at = excluded.changed_at");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":f", following);
	db_bind_int(st, ":now", time(NULL));
	return db_run(st);
}

bool thread_is_followed(Db *db, int64_t user_id, int64_t thread_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT following FROM thread_follows WHERE thread_id = :t "
					  "AND user_id = :u");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":u", user_id);
	bool following = db_step(st) == SQLITE_ROW && db_col_int(st, 0) == 1;
	sqlite3_reset(st);
	return following;
}

void notify_thread_followers(Db *db, int64_t thread_id, int64_t except_user_id, const char *text,
			     const char *link)
{
	if (!is_local_path(link))
		return;
	/* Collected first: the readability check below runs statements of its own. The check
	 * for an unread notification with this link is one lookup in notifications_unread_by_link
	 * (migration 017), whatever the number of unread notifications a follower has. */
	sqlite3_stmt *st = db_prepare(
		db, "SELECT u.id, u.role = 'admin' FROM thread_follows f JOIN users u ON u.id = "
		    "f.user_id WHERE f.thread_id = :t AND f.following = 1 AND u.id != :except AND "
		    "u.status = 'active' AND NOT EXISTS (SELECT 1 FROM notifications n WHERE "
		    "n.user_id = u.id AND n.link = :link AND n.read_at IS NULL) ORDER BY u.id");
	db_bind_int(st, ":t", thread_id);
	db_bind_int(st, ":except", except_user_id);
	db_bind_text(st, ":link", link);
	int n = 0, cap = 0;
	struct {
		int64_t id;
		bool admin;
	} *followers = NULL;
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			followers = xrealloc(followers, (size_t)cap * sizeof *followers);
		}
		followers[n].id = db_col_int(st, 0);
		followers[n].admin = db_col_int(st, 1) != 0;
		n++;
	}
	sqlite3_reset(st);
	/* Someone who left a private community keeps the follow row but hears nothing more. */
	for (int i = 0; i < n; i++)
		if (thread_readable_by(db, followers[i].id, followers[i].admin, thread_id))
			notify_user(db, followers[i].id, "reply", text, link);
	free(followers);
}

int64_t notifications_unread(Db *db, int64_t user_id)
{
	if (!db)
		return 0;
	/* Answered from the partial index notifications_unread_by_link alone (migration 017),
	 * and bounded: the header needs no exact figure past NOTIFICATIONS_UNREAD_SHOWN. */
	sqlite3_stmt *st = db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM notifications WHERE "
					  "user_id = :u AND read_at IS NULL LIMIT :most)");
	db_bind_int(st, ":u", user_id);
	db_bind_int(st, ":most", NOTIFICATIONS_UNREAD_SHOWN + 1);
	int64_t n = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	return n;
}

/* ---- pages ---- */

static void change_follow(Req *r, bool following)
{
	int64_t thread = req_param_id(r, 0);
	if (!thread_readable(r, thread)) {
		resp_error(r, 404, "There is no such thread, or it is in a community you cannot see.");
		return;
	}
	if (!set_following(r->db, r->user->id, thread, following)) {
		resp_error(r, 503, "Your choice could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/threads/%lld?notice=%s", (long long)thread,
				      following ? "thread-followed" : "thread-unfollowed"));
}

void handle_thread_follow(Req *r)
{
	change_follow(r, true);
}

void handle_thread_unfollow(Req *r)
{
	change_follow(r, false);
}

static const char *kind_label(const char *kind)
{
	if (!strcmp(kind, "mention"))
		return "Mention";
	if (!strcmp(kind, "reply"))
		return "Reply";
	if (!strcmp(kind, "material"))
		return "New material";
	if (!strcmp(kind, "meeting"))
		return "New meeting";
	return "Waitlist";
}

static void pager(Req *r, int64_t page, int64_t pages)
{
	if (pages <= 1)
		return;
	html(&r->out, "<nav class=\"pager\" aria-label=\"Pages\"><p>Page %lld of %lld</p>",
	     (long long)page, (long long)pages);
	if (page > 1)
		html(&r->out, "<a href=\"/notifications?page=%lld\" rel=\"prev\">Newer</a>",
		     (long long)page - 1);
	if (page < pages)
		html(&r->out, "<a href=\"/notifications?page=%lld\" rel=\"next\">Older</a>",
		     (long long)page + 1);
	html_raw(&r->out, "</nav>\n");
}

void handle_notifications(Req *r)
{
	int64_t me = r->user->id;
	const char *p = req_query(r, "page");
	int64_t page = p ? parse_id(p) : 1;
	if (page <= 0) {
		resp_error(r, 400, "The page number must be a whole number from 1.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "SELECT count(*) FROM notifications WHERE user_id = :u");
	db_bind_int(st, ":u", me);
	int64_t total = db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
	sqlite3_reset(st);
	int64_t pages = total ? (total + PAGE_SIZE - 1) / PAGE_SIZE : 1;
	if (page > pages) {
		resp_error(r, 404, "There is no such page of notifications.");
		return;
	}
	int64_t unread = notifications_unread(r->db, me);

	page_begin(r, "Notifications");
	Buf *o = &r->out;
	html_raw(o, "<h1>Notifications</h1>\n");
	if (!total) {
		html_raw(o, "<p>You have no notifications yet. They appear here when someone "
			    "mentions you or replies in a thread you follow, when your communities "
			    "get new meetings or materials, and when a seat opens for you.</p>\n");
		page_end(r);
		return;
	}
	if (unread) {
		if (unread > NOTIFICATIONS_UNREAD_SHOWN)
			html(o, "<div class=\"notifications-actions\"><p>More than %d unread.</p>",
			     NOTIFICATIONS_UNREAD_SHOWN);
		else
			html(o, "<div class=\"notifications-actions\"><p>%lld unread.</p>",
			     (long long)unread);
		button_form(r, "/notifications/read", "Mark all as read", "secondary");
		html_raw(o, "</div>\n");
	} else {
		html_raw(o, "<p>You have read them all.</p>\n");
	}
	st = db_prepare(r->db, "SELECT id, kind, text, link, created_at, read_at IS NULL "
			       "FROM notifications WHERE user_id = :u ORDER BY id DESC "
			       "LIMIT :n OFFSET :skip");
	db_bind_int(st, ":u", me);
	db_bind_int(st, ":n", PAGE_SIZE);
	db_bind_int(st, ":skip", (page - 1) * PAGE_SIZE);
	html_raw(o, "<ol class=\"notifications\">\n");
	while (db_step(st) == SQLITE_ROW) {
		int64_t id = db_col_int(st, 0);
		const char *text = db_col_text(st, 2), *link = db_col_text(st, 3);
		int64_t when = db_col_int(st, 4);
		bool is_unread = db_col_int(st, 5) != 0;
		if (is_unread)
			/* Opening it is a change (it becomes read), so it is a POST. */
			html(o, "<li class=\"notification unread\"><span class=\"badge\">New</span> "
				"<form class=\"inline\" method=\"post\" action=\"/notifications/%lld/open\">"
				"<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button type=\"submit\" "
				"class=\"link\">%s</button></form>",
			     (long long)id, csrf_token(r), text);
		else
			html(o, "<li class=\"notification\"><a href=\"%s\">%s</a>", link, text);
		html(o, " <span class=\"meta\">%s · %s, %s</span></li>\n", kind_label(db_col_text(st, 1)),
		     format_date(r, when), format_time(r, when));
	}
	sqlite3_reset(st);
	html_raw(o, "</ol>\n");
	pager(r, page, pages);
	page_end(r);
}

void handle_notification_open(Req *r)
{
	int64_t id = req_param_id(r, 0);
	/* Only the owner's row matches: someone else's id is "no such notification". */
	sqlite3_stmt *st = db_prepare(r->db, "SELECT link FROM notifications WHERE id = :id AND "
					     "user_id = :u");
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", r->user->id);
	if (db_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		resp_error(r, 404, "There is no such notification.");
		return;
	}
	const char *link = arena_strdup(r->arena, db_col_text(st, 0));
	sqlite3_reset(st);
	st = db_prepare(r->db, "UPDATE notifications SET read_at = coalesce(read_at, :now) "
			       "WHERE id = :id AND user_id = :u");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":u", r->user->id);
	if (!db_run(st)) {
		resp_error(r, 503, "The notification could not be marked read just now. Please "
				   "try again.");
		return;
	}
	resp_redirect(r, link);
}

void handle_notifications_read_all(Req *r)
{
	sqlite3_stmt *st = db_prepare(r->db, "UPDATE notifications SET read_at = :now WHERE "
					     "user_id = :u AND read_at IS NULL");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":u", r->user->id);
	if (!db_run(st)) {
		resp_error(r, 503, "Your notifications could not be marked just now. Please try "
				   "again.");
		return;
	}
	resp_redirect(r, "/notifications?notice=notifications-read");
}
