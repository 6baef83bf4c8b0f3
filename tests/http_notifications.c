/* Notifications against a real server: each hook writes the right rows for the right people
 * (waitlist promotion, new meetings and one per series, association-wide meetings, new
 * materials, replies to followed threads) and never for the member who acted; the inbox
 * (newest first, unread marked, paginated, escaped), the header's unread count and its
 * index, opening one (marks it read, goes to its link), mark all read, CSRF, nobody opening
 * someone else's notification, and following and unfollowing threads (404 for threads the
 * member cannot read).
 *
 * One server for the suite; people sign in once. Threads are inserted with SQL; replies go
 * through the discussions' reply route. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fac = {"fay@northfield.org", "Fay Facilitator"};
static Person part = {"pia@northfield.org", "Pia Participant"};
static Person part2 = {"quinn@northfield.org", "Quinn Second"};
static Person mem = {"mo@northfield.org", "Mo Member"};
static Person *const people[] = {&admin, &fac, &part, &part2, &mem};
static int64_t community; /* "notes": fac facilitates; part and part2 take part */

/* ---- helpers ---- */

static int64_t count_for(const Person *p, const char *kind)
{
	return sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = '%s'",
		       (long long)p->id, kind);
}

static int64_t unread_of(const Person *p)
{
	return sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND read_at "
			     "IS NULL", (long long)p->id);
}

static void clear_notifications(void)
{
	CHECK(sql_exec(&srv, "DELETE FROM notifications"), "could not clear notifications");
}

/* Inserts a thread with its opening post by author in community c (0: all communities). */
static int64_t add_thread(int64_t c, const Person *author, const char *title)
{
	char where[32] = "NULL";
	if (c)
		snprintf(where, sizeof where, "%lld", (long long)c);
	CHECK(sql_exec(&srv, "INSERT INTO threads (community_id, author_id, title, created_at, "
			     "last_post_at) VALUES (%s, %lld, '%s', 1, 1)",
		       where, (long long)author->id, title),
	      "could not insert thread %s", title);
	int64_t t = sql_int(&srv, "SELECT id FROM threads WHERE title = '%s'", title);
	CHECK(sql_exec(&srv, "INSERT INTO posts (thread_id, author_id, body, created_at) VALUES "
			     "(%lld, %lld, 'Opening post', 1)", (long long)t, (long long)author->id),
	      "could not insert the opening post");
	int64_t p = sql_int(&srv, "SELECT max(id) FROM posts WHERE thread_id = %lld", (long long)t);
	CHECK(sql_exec(&srv, "UPDATE threads SET last_post_id = %lld WHERE id = %lld", (long long)p,
		       (long long)t), "could not set last_post_id");
	return t;
}

/* ---- tests ---- */

TEST(empty_inbox_and_plain_header)
{
	Reply r = client_get(mem.c, "/notifications");
	CHECK(r.status == 200, "GET /notifications: %ld", r.status);
	CHECK(body_has(&r, "<h1>Notifications</h1>"), "no heading");
	CHECK(body_has(&r, "You have no notifications yet"), "no empty state: %.400s", r.body);
	CHECK(body_has(&r, "<a href=\"/notifications\" aria-current=\"page\">Notifications</a>"),
	      "the header link is not plain and current");
	reply_free(&r);
}

TEST(promotion_notifies_the_promoted_member_only)
{
	clear_notifications();
	CHECK(sql_exec(&srv, "INSERT INTO communities (slug, name, status, seat_limit, created_at) "
			     "VALUES ('full', 'Full House', 'open', 1, 0)"), "insert community");
	int64_t c = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'full'");
	CHECK(sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, signed_up_at) "
			     "VALUES (%lld, %lld, 'participant', 1), (%lld, %lld, 'waitlisted', 2)",
		       (long long)c, (long long)mem.id, (long long)c, (long long)part2.id),
	      "insert memberships");
	Reply r = post_as(&mem, "/communities/full/withdraw", NULL);
	CHECK(reply_is(&r, 303, "/communities/full?notice=withdrawn"), "withdraw: %ld %s", r.status,
	      reply_location(&r));
	reply_free(&r);
	CHECK(count_for(&part2, "promotion") == 1, "promoted member has %lld promotion rows",
	      (long long)count_for(&part2, "promotion"));
	char *link = sql_text(&srv, "SELECT link FROM notifications WHERE user_id = %lld",
			      (long long)part2.id);
	CHECK_STR(link, "/communities/full");
	free(link);
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id != %lld",
		      (long long)part2.id) == 0, "someone else was notified");

	/* The header counts it; the inbox shows it unread, with its text. */
	r = client_get(part2.c, "/home");
	CHECK(body_has(&r, "Notifications <span class=\"count\">1<span class=\"visually-hidden\"> "
			   "unread</span></span>"), "header count missing");
	reply_free(&r);
	r = client_get(part2.c, "/notifications");
	CHECK(body_has(&r, "class=\"notification unread\""), "not marked unread");
	CHECK(body_has(&r, "A seat opened in “Full House”: you are now a participant."),
	      "text missing: %.600s", r.body);
	CHECK(body_has(&r, "1 unread."), "unread summary missing");
	reply_free(&r);
}

static const char *meeting_path(void)
{
	static char p[96];
	snprintf(p, sizeof p, "/communities/notes/meetings");
	return p;
}

TEST(new_meeting_notifies_community_not_the_facilitator)
{
	clear_notifications();
	Reply r = post_as(&fac, meeting_path(), "title", "Spring planning", "number", "",
			  "date", "2031-03-04", "start", "15:00", "end", "16:30", "format",
			  "virtual", "venue", "", "address", "", "video", "", "seats", "",
			  "purpose", "", "repeat", "none", "until", "", NULL);
	CHECK(r.status == 303, "create meeting: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	int64_t m = sql_int(&srv, "SELECT id FROM meetings WHERE title = 'Spring planning'");
	CHECK(count_for(&part, "meeting") == 1 && count_for(&part2, "meeting") == 1,
	      "participants got %lld and %lld", (long long)count_for(&part, "meeting"),
	      (long long)count_for(&part2, "meeting"));
	CHECK(count_for(&fac, "meeting") == 0, "the facilitator who scheduled it was notified");
	CHECK(count_for(&mem, "meeting") == 0 && count_for(&admin, "meeting") == 0,
	      "people outside the community were notified");
	char *row = sql_text(&srv, "SELECT link || '|' || text FROM notifications WHERE user_id = "
				   "%lld", (long long)part.id);
	char want[64];
	snprintf(want, sizeof want, "/meetings/%lld|", (long long)m);
	CHECK(row && !strncmp(row, want, strlen(want)) && strstr(row, "Notes Community") &&
		      strstr(row, "Spring planning"), "row %s", row ? row : "(none)");
	free(row);
}

TEST(series_notifies_once)
{
	clear_notifications();
	Reply r = post_as(&fac, meeting_path(), "title", "Weekly check-in", "number", "",
			  "date", "2031-04-01", "start", "15:00", "end", "16:00", "format",
			  "virtual", "venue", "", "address", "", "video", "", "seats", "",
			  "purpose", "", "repeat", "weekly", "until", "2031-04-22", NULL);
	CHECK(r.status == 303, "create series: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM meetings WHERE title = 'Weekly check-in'") == 4,
	      "the series does not have 4 meetings");
	CHECK(count_for(&part, "meeting") == 1, "participant got %lld notifications for a series",
	      (long long)count_for(&part, "meeting"));
	char *row = sql_text(&srv, "SELECT link || '|' || text FROM notifications WHERE user_id = "
				   "%lld", (long long)part.id);
	CHECK(row && !strncmp(row, "/communities/notes/meetings|", 28) && strstr(row, "4 meetings"),
	      "row %s", row ? row : "(none)");
	free(row);
}

TEST(association_meeting_notifies_every_member_but_the_admin)
{
	clear_notifications();
	Reply r = post_as(&admin, "/admin/meetings", "title", "Kick-off for all", "number", "",
			  "date", "2031-05-06", "start", "09:00", "end", "12:00", "format",
			  "in_person", "venue", "Hall", "address", "", "video", "", "seats", "",
			  "purpose", "", "repeat", "none", "until", "", NULL);
	CHECK(r.status == 303, "create: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	for (size_t i = 1; i < sizeof people / sizeof *people; i++)
		CHECK(count_for(people[i], "meeting") == 1, "%s got %lld", people[i]->name,
		      (long long)count_for(people[i], "meeting"));
	CHECK(count_for(&admin, "meeting") == 0, "the admin who scheduled it was notified");
	/* Pending and disabled accounts hear nothing. */
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id "
			    "WHERE u.status != 'active'") == 0, "inactive accounts were notified");
}

static const char multipart_body[] =
	"--b0undary\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n"
	"--b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nReading list\r\n"
	"--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.txt\"\r\n"
	"Content-Type: text/plain\r\n\r\nBooks to read before we meet.\n\r\n--b0undary--\r\n";

TEST(new_material_notifies_community_not_the_uploader)
{
	clear_notifications();
	int64_t m = sql_int(&srv, "SELECT id FROM meetings WHERE title = 'Spring planning'");
	char body[1024], path[128];
	snprintf(body, sizeof body, multipart_body, fac.csrf);
	snprintf(path, sizeof path, "/communities/notes/meetings/%lld/materials", (long long)m);
	Reply r = client_request(fac.c, &(Request){.method = "POST", .path = path, .body = body,
						   .content_type = "multipart/form-data; "
								   "boundary=b0undary"});
	CHECK(r.status == 303, "upload: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	CHECK(count_for(&part, "material") == 1 && count_for(&part2, "material") == 1,
	      "participants got %lld and %lld", (long long)count_for(&part, "material"),
	      (long long)count_for(&part2, "material"));
	CHECK(count_for(&fac, "material") == 0, "the uploader was notified");
	CHECK(count_for(&mem, "material") == 0, "a member outside the community was notified");
	char *row = sql_text(&srv, "SELECT link || '|' || text FROM notifications WHERE user_id = "
				   "%lld", (long long)part.id);
	char want[64];
	snprintf(want, sizeof want, "/meetings/%lld#materials|", (long long)m);
	CHECK(row && !strncmp(row, want, strlen(want)) && strstr(row, "Reading list"), "row %s",
	      row ? row : "(none)");
	free(row);
}

TEST(opening_marks_read_and_goes_to_the_link)
{
	clear_notifications();
	CHECK(sql_exec(&srv, "INSERT INTO notifications (user_id, kind, text, link, created_at) "
			     "VALUES (%lld, 'meeting', 'First', '/calendar', 1), "
			     "(%lld, 'meeting', 'Second', '/years', 2)",
		       (long long)part.id, (long long)part.id), "insert");
	int64_t first = sql_int(&srv, "SELECT id FROM notifications WHERE text = 'First'");
	Reply r = client_get(part.c, "/notifications");
	CHECK(body_has(&r, pathf("action=\"/notifications/%lld/open\"", (long long)first)),
	      "no open form for the unread notification");
	reply_free(&r);
	r = post_as(&part, pathf("/notifications/%lld/open", (long long)first), NULL);
	CHECK(reply_is(&r, 303, "/calendar"), "open: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT read_at IS NOT NULL FROM notifications WHERE id = %lld",
		      (long long)first) == 1, "not marked read");
	CHECK(unread_of(&part) == 1, "the other one changed too");
	/* Opening it again still goes there; a read one is a plain link on the inbox. */
	r = post_as(&part, pathf("/notifications/%lld/open", (long long)first), NULL);
	CHECK(reply_is(&r, 303, "/calendar"), "open again: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	r = client_get(part.c, "/notifications");
	CHECK(body_has(&r, "<li class=\"notification\"><a href=\"/calendar\">First</a>"),
	      "read notification not a plain link: %.800s", r.body);
	CHECK(body_has(&r, "Notifications <span class=\"count\">1<"), "header count is not 1");
	reply_free(&r);
}

TEST(nobody_opens_someone_elses_notification)
{
	int64_t second = sql_int(&srv, "SELECT id FROM notifications WHERE text = 'Second'");
	Reply r = post_as(&mem, pathf("/notifications/%lld/open", (long long)second), NULL);
	CHECK(r.status == 404, "another member opened it: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	r = post_as(&admin, pathf("/notifications/%lld/open", (long long)second), NULL);
	CHECK(r.status == 404, "an admin opened it: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT read_at IS NULL FROM notifications WHERE id = %lld",
		      (long long)second) == 1, "it was marked read");
	r = post_as(&part, "/notifications/999999/open", NULL);
	CHECK(r.status == 404, "unknown id: %ld", r.status);
	reply_free(&r);
}

TEST(state_changes_need_csrf)
{
	int64_t second = sql_int(&srv, "SELECT id FROM notifications WHERE text = 'Second'");
	Reply r = client_post(part.c, pathf("/notifications/%lld/open", (long long)second),
			      "csrf=wrong");
	CHECK(r.status == 403, "open without csrf: %ld", r.status);
	reply_free(&r);
	r = client_post(part.c, "/notifications/read", "");
	CHECK(r.status == 403, "read all without csrf: %ld", r.status);
	reply_free(&r);
	CHECK(unread_of(&part) == 1, "state changed without csrf");
	r = client_get(part.c, "/notifications/read");
	CHECK(r.status == 405, "GET of a POST route: %ld", r.status);
	reply_free(&r);
}

TEST(mark_all_read)
{
	CHECK(sql_exec(&srv, "INSERT INTO notifications (user_id, kind, text, link, created_at) "
			     "VALUES (%lld, 'reply', 'Third', '/home', 3), "
			     "(%lld, 'reply', 'Not mine', '/home', 3)",
		       (long long)part.id, (long long)mem.id), "insert");
	CHECK(unread_of(&part) == 2, "setup");
	Reply r = post_as(&part, "/notifications/read", NULL);
	CHECK(reply_is(&r, 303, "/notifications?notice=notifications-read"), "read all: %ld %s",
	      r.status, reply_location(&r));
	reply_free(&r);
	CHECK(unread_of(&part) == 0, "%lld still unread", (long long)unread_of(&part));
	CHECK(unread_of(&mem) == 1, "someone else's notification was marked read");
	r = client_get(part.c, "/notifications?notice=notifications-read");
	CHECK(body_has(&r, "All your notifications are marked as read."), "no notice");
	CHECK(body_has(&r, "You have read them all."), "no read-all state");
	CHECK(!body_has(&r, "class=\"count\""), "header still counts");
	CHECK(!body_has(&r, "Mark all as read"), "button still offered");
	reply_free(&r);
}

TEST(inbox_newest_first_paginated_and_escaped)
{
	clear_notifications();
	for (int i = 1; i <= 30; i++)
		CHECK(sql_exec(&srv, "INSERT INTO notifications (user_id, kind, text, link, "
				     "created_at) VALUES (%lld, 'mention', 'Note %02d <b>x</b>', "
				     "'/home', %d)", (long long)part2.id, i, 1700000000 + i),
		      "insert %d", i);
	Reply r = client_get(part2.c, "/notifications");
	const char *n30 = strstr(r.body, "Note 30"), *n29 = strstr(r.body, "Note 29");
	CHECK(n30 && n29 && n30 < n29, "not newest first");
	CHECK(body_has(&r, "Note 06") && !body_has(&r, "Note 05"), "page 1 is not the 25 newest");
	CHECK(body_has(&r, "Note 30 &lt;b&gt;x&lt;/b&gt;") && !body_has(&r, "<b>x</b>"),
	      "text not escaped");
	CHECK(body_has(&r, "href=\"/notifications?page=2\" rel=\"next\""), "no older link");
	CHECK(body_has(&r, "Page 1 of 2"), "no page count");
	reply_free(&r);
	r = client_get(part2.c, "/notifications?page=2");
	CHECK(r.status == 200 && body_has(&r, "Note 05") && body_has(&r, "Note 01") &&
		      !body_has(&r, "Note 06"), "page 2: %ld", r.status);
	CHECK(body_has(&r, "rel=\"prev\""), "no newer link");
	reply_free(&r);
	r = client_get(part2.c, "/notifications?page=3");
	CHECK(r.status == 404, "page 3: %ld", r.status);
	reply_free(&r);
	r = client_get(part2.c, "/notifications?page=abc");
	CHECK(r.status == 400, "page=abc: %ld", r.status);
	reply_free(&r);
}

TEST(header_count_uses_the_partial_index)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char plan[512] = "";
	if (sqlite3_open_v2(srv.db, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN SELECT count(*) FROM notifications WHERE "
				   "user_id = 1 AND read_at IS NULL", -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			snprintf(plan + strlen(plan), sizeof plan - strlen(plan), "%s / ",
				 (const char *)sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	sqlite3_close(db);
	CHECK(strstr(plan, "COVERING INDEX notifications_unread"), "plan: %s", plan);
}

TEST(follow_and_unfollow)
{
	int64_t t = add_thread(community, &fac, "Caseload sizes");
	Reply r = post_as(&part, pathf("/threads/%lld/follow", (long long)t), NULL);
	CHECK(reply_is(&r, 303, pathf("/threads/%lld?notice=thread-followed", (long long)t)),
	      "follow: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND "
			    "user_id = %lld", (long long)t, (long long)part.id) == 1, "no follow row");
	r = post_as(&part, pathf("/threads/%lld/unfollow", (long long)t), NULL);
	CHECK(reply_is(&r, 303, pathf("/threads/%lld?notice=thread-unfollowed", (long long)t)),
	      "unfollow: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND "
			    "user_id = %lld", (long long)t, (long long)part.id) == 0,
	      "still following");
	r = client_post(part.c, pathf("/threads/%lld/follow", (long long)t), "");
	CHECK(r.status == 403, "follow without csrf: %ld", r.status);
	reply_free(&r);
}

TEST(follow_needs_a_readable_thread)
{
	CHECK(sql_exec(&srv, "INSERT INTO communities (slug, name, status, visibility, created_at) "
			     "VALUES ('closed', 'Closed Circle', 'active', 'private', 0)"), "insert");
	int64_t c = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'closed'");
	int64_t t = add_thread(c, &admin, "Private matters");
	Reply r = post_as(&mem, pathf("/threads/%lld/follow", (long long)t), NULL);
	CHECK(r.status == 404, "follow of an unreadable thread: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT count(*) FROM thread_follows WHERE thread_id = %lld",
		      (long long)t) == 0, "a follow row was written");
	r = post_as(&mem, "/threads/999999/follow", NULL);
	CHECK(r.status == 404, "follow of no thread: %ld", r.status);
	reply_free(&r);
	r = post_as(&admin, pathf("/threads/%lld/follow", (long long)t), NULL);
	CHECK(r.status == 303, "admin follow: %ld", r.status);
	reply_free(&r);
}

/* Replies through the discussions' route: followers hear of them, the replier does not, an
 * unfollowed member does not, and replying follows the replier. */
TEST(replies_notify_followers)
{
	clear_notifications();
	int64_t t = add_thread(community, &fac, "Budget season");
	CHECK(sql_exec(&srv, "INSERT INTO thread_follows (thread_id, user_id, following, changed_at) "
			     "VALUES (%lld, %lld, 1, 1), (%lld, %lld, 0, 1), (%lld, %lld, 1, 1)",
		       (long long)t, (long long)fac.id, (long long)t, (long long)part2.id,
		       (long long)t, (long long)mem.id),
	      "insert follows");
	Reply r = post_as(&part, pathf("/threads/%lld/replies", (long long)t), "body",
			  "We start in **January**.", NULL);
	CHECK(r.status == 303, "reply: %ld %s %.300s", r.status, reply_location(&r), r.body);
	reply_free(&r);
	CHECK(count_for(&fac, "reply") == 1, "the follower got %lld",
	      (long long)count_for(&fac, "reply"));
	CHECK(count_for(&mem, "reply") == 1, "the other follower got %lld",
	      (long long)count_for(&mem, "reply"));
	CHECK(count_for(&part2, "reply") == 0, "an unfollowed member was notified");
	CHECK(count_for(&part, "reply") == 0, "the replier was notified of their own reply");
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND "
			    "user_id = %lld", (long long)t, (long long)part.id) == 1,
	      "replying did not follow the thread");
	char *link = sql_text(&srv, "SELECT link FROM notifications WHERE user_id = %lld",
			      (long long)fac.id);
	CHECK_STR(link, pathf("/posts/%lld", (long long)sql_int(&srv, "SELECT max(id) FROM posts "
								   "WHERE thread_id = %lld",
								(long long)t)));
	free(link);

	/* part2 unfollowed: replying does not override that choice. */
	r = post_as(&part2, pathf("/threads/%lld/replies", (long long)t), "body", "Same here.",
		    NULL);
	CHECK(r.status == 303, "second reply: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT following FROM thread_follows WHERE thread_id = %lld AND "
			    "user_id = %lld", (long long)t, (long long)part2.id) == 0,
	      "posting re-followed a member who had unfollowed");
	CHECK(count_for(&part, "reply") == 1, "the first replier, now a follower, got %lld",
	      (long long)count_for(&part, "reply"));
	CHECK(count_for(&part2, "reply") == 0, "the second replier was notified");

	/* A follower mentioned in a reply hears of it once, as a mention. */
	int64_t mentions = count_for(&mem, "mention"), replies = count_for(&mem, "reply");
	r = post_as(&fac, pathf("/threads/%lld/replies", (long long)t), "body",
		    "@Mo Member, can you share your calendar?", NULL);
	CHECK(r.status == 303, "third reply: %ld", r.status);
	reply_free(&r);
	CHECK(count_for(&mem, "mention") == mentions + 1, "no mention notification");
	CHECK(count_for(&mem, "reply") == replies, "the mentioned follower was also notified of "
						    "the reply");
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), NULL);
}

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	/* A pending account: must never be notified. */
	if (!sql_exec(&srv, "INSERT INTO users (email, name, school_id, status, password_hash, "
			    "created_at) SELECT 'pending@northfield.org', 'Pending Person', id, "
			    "'pending', 'x', 0 FROM schools WHERE name = '%s'", SCHOOL))
		return false;
	community = add_community(&srv, "notes", "Notes Community", "active", "open");
	return community && add_facilitator(&srv, community, fac.id) &&
	       add_membership(&srv, community, part.id, "participant") &&
	       add_membership(&srv, community, part2.id, "participant") &&
	       add_membership(&srv, community, mem.id, "waitlisted") && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, empty_inbox_and_plain_header,
	promotion_notifies_the_promoted_member_only,
	new_meeting_notifies_community_not_the_facilitator, series_notifies_once,
	association_meeting_notifies_every_member_but_the_admin,
	new_material_notifies_community_not_the_uploader, opening_marks_read_and_goes_to_the_link,
	nobody_opens_someone_elses_notification, state_changes_need_csrf, mark_all_read,
	inbox_newest_first_paginated_and_escaped, header_count_uses_the_partial_index,
	follow_and_unfollow, follow_needs_a_readable_thread, replies_notify_followers,
	stops_cleanly)
