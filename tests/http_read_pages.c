/* The reading pages' caches against a real server (issue 8, docs/PERFORMANCE.md): the
 * community directory and the calendar are kept between requests, so every change must show
 * on the next view, whoever made it (the server itself, or another process writing the
 * database: triggers keep the change count), and what one member sees of their own (their
 * badge in the directory, "only my meetings") must never reach another. Also the clock: a
 * next meeting that has ended leaves the directory. And the private feed's ETag: a poll
 * with the current tag gets 304 Not Modified and no body, any change to the meetings or
 * the brand gives a new tag and the new text.
 *
 * One server for the suite; most changes are made with SQL, as another process would. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Riverside School"

static Server srv;
static Person alice = {"alice@riverside.org", "Alice Reader"};
static Person bob = {"bob@riverside.org", "Bob Reader"};
static Person *const people[] = {&alice, &bob};
static int64_t ca, cb; /* Community A (alice takes part), B (bob is waitlisted) */

static int64_t add_meeting(int64_t community, const char *title, int64_t starts, int64_t ends,
			   const char *uid)
{
	char community_sql[32];
	if (community)
		snprintf(community_sql, sizeof community_sql, "%lld", (long long)community);
	else
		snprintf(community_sql, sizeof community_sql, "NULL");
	CHECK(sql_exec(&srv, "INSERT INTO meetings (community_id, title, starts_at, ends_at, "
			     "signin_code, uid, created_at, updated_at) VALUES (%s, '%s', %lld, "
			     "%lld, 'CODE', '%s', 0, 0)",
		       community_sql, title, (long long)starts, (long long)ends, uid),
	      "could not insert meeting %s", title);
	int64_t id = sql_int(&srv, "SELECT id FROM meetings WHERE uid = '%s'", uid);
	return id == SQL_NO_ROW ? 0 : id;
}

/* The directory card of the community named name, as alice or bob sees it (heap). */
static char *card(Person *p, const char *name)
{
	Reply r = client_get(p->c, "/communities");
	CHECK(r.status == 200, "directory: %ld", r.status);
	char want[160];
	snprintf(want, sizeof want, ">%s</a></h2>", name);
	const char *at = r.body ? strstr(r.body, want) : NULL;
	const char *end = at ? strstr(at, "</li>") : NULL;
	char *out = at && end ? strndup(at, (size_t)(end - at)) : NULL;
	reply_free(&r);
	return out;
}

static bool has(const char *text, const char *want)
{
	return text && strstr(text, want);
}

TEST(directory_follows_changes_and_keeps_badges_apart)
{
	char *a = card(&alice, "Community A");
	CHECK(has(a, "1 participant.") && has(a, "You are a participant"),
	      "alice's card of A: %s", a ? a : "(none)");
	free(a);
	char *b = card(&bob, "Community A");
	CHECK(has(b, "1 participant.") && !has(b, "You are a participant"),
	      "bob sees alice's badge, or a wrong count: %s", b ? b : "(none)");
	free(b);
	b = card(&bob, "Community B");
	CHECK(has(b, "You are number 1 on the waitlist"), "bob's waitlist badge: %s",
	      b ? b : "(none)");
	free(b);
	a = card(&alice, "Community B");
	CHECK(a && !has(a, "waitlist</p>"), "alice sees bob's waitlist badge: %s", a ? a : "(none)");
	free(a);

	/* Bob signs up for A through the server: his badge and the count change at once. */
	char *body = form_encode("csrf", bob.csrf, NULL);
	Reply r = client_post(bob.c, "/communities/comm-a/signup", body);
	free(body);
	CHECK(r.status == 303, "sign-up: %ld", r.status);
	reply_free(&r);
	b = card(&bob, "Community A");
	CHECK(has(b, "2 participants") && has(b, "You are a participant"),
	      "after bob's sign-up: %s", b ? b : "(none)");
	free(b);
	a = card(&alice, "Community A");
	CHECK(has(a, "2 participants"), "alice's view of the count is stale: %s", a ? a : "(none)");
	free(a);

	/* Another process renames the community and the facilitator. */
	CHECK(sql_exec(&srv, "UPDATE communities SET name = 'Community A Renamed' WHERE id = %lld",
		       (long long)ca), "rename");
	a = card(&alice, "Community A Renamed");
	CHECK(a != NULL, "the new name is not shown");
	CHECK(has(a, "Facilitated by to be announced"), "facilitators before: %s", a ? a : "");
	free(a);
	CHECK(sql_exec(&srv, "INSERT INTO facilitators (community_id, user_id) VALUES (%lld, %lld)",
		       (long long)ca, (long long)alice.id), "facilitator");
	a = card(&alice, "Community A Renamed");
	CHECK(has(a, "Facilitated by Alice Reader (Riverside School)"), "new facilitator: %s",
	      a ? a : "");
	free(a);
	CHECK(sql_exec(&srv, "UPDATE users SET name = 'Alice Renamed' WHERE id = %lld",
		       (long long)alice.id), "rename alice");
	b = card(&bob, "Community A Renamed");
	CHECK(has(b, "Facilitated by Alice Renamed"), "the facilitator's new name: %s", b ? b : "");
	free(b);
	CHECK(sql_exec(&srv, "UPDATE schools SET name = 'Riverside Academy' WHERE name = '%s'",
		       SCHOOL), "rename school");
	b = card(&bob, "Community A Renamed");
	CHECK(has(b, "(Riverside Academy)"), "the facilitator's school's new name: %s", b ? b : "");
	free(b);
	CHECK(sql_exec(&srv, "UPDATE schools SET name = '%s' WHERE name = 'Riverside Academy'",
		       SCHOOL), "school name back");
}

TEST(directory_next_meeting_follows_data_and_clock)
{
	int64_t now = (int64_t)time(NULL);
	char *b = card(&bob, "Community B");
	CHECK(b && !has(b, "Next meeting"), "a next meeting before any: %s", b ? b : "");
	free(b);
	/* Ends in three seconds: shown now, gone once it has ended, with no write between. */
	int64_t soon = add_meeting(cb, "Ending soon", now - 3600, now + 3, "soon@read.test");
	b = card(&bob, "Community B");
	CHECK(has(b, "Next meeting"), "the meeting under way is not the next one: %s", b ? b : "");
	free(b);
	sleep(5);
	b = card(&bob, "Community B");
	CHECK(b && !has(b, "Next meeting"), "a meeting that ended is still next: %s", b ? b : "");
	free(b);
	/* A later one, then cancelled by another process. */
	int64_t later = add_meeting(cb, "Later", now + 86400 * 3, now + 86400 * 3 + 3600,
				    "later@read.test");
	b = card(&bob, "Community B");
	CHECK(has(b, "Next meeting"), "a new meeting is not shown: %s", b ? b : "");
	free(b);
	CHECK(sql_exec(&srv, "UPDATE meetings SET status = 'cancelled' WHERE id = %lld",
		       (long long)later), "cancel");
	b = card(&bob, "Community B");
	CHECK(b && !has(b, "Next meeting"), "a cancelled meeting is still next: %s", b ? b : "");
	free(b);
	CHECK(soon && later, "meetings not added");
}

TEST(calendar_follows_changes_and_keeps_mine_apart)
{
	int64_t start = (int64_t)time(NULL) + 86400 * 10;
	int64_t m = add_meeting(ca, "Planning session", start, start + 3600, "plan@read.test");
	add_meeting(cb, "B only", start + 600, start + 4200, "bonly@read.test");
	Reply r = client_get(alice.c, "/calendar");
	CHECK(body_has(&r, ">Planning session</a>") && body_has(&r, ">B only</a>"),
	      "calendar lists: %.200s", r.body);
	reply_free(&r);
	CHECK(sql_exec(&srv, "UPDATE meetings SET title = 'Planning, moved' WHERE id = %lld",
		       (long long)m), "retitle");
	r = client_get(bob.c, "/calendar");
	CHECK(body_has(&r, ">Planning, moved</a>") && !body_has(&r, ">Planning session</a>"),
	      "the calendar kept the old title");
	reply_free(&r);
	/* "Only my meetings" is each member's own: bob signed up for A above (he only waits for
	 * a seat in B), alice takes part in A; neither has B's. */
	r = client_get(alice.c, "/calendar?mine=1");
	CHECK(body_has(&r, ">Planning, moved</a>") && !body_has(&r, ">B only</a>"),
	      "alice's own meetings");
	reply_free(&r);
	CHECK(sql_exec(&srv, "DELETE FROM memberships WHERE user_id = %lld AND community_id = %lld",
		       (long long)alice.id, (long long)ca), "alice leaves A");
	CHECK(sql_exec(&srv, "DELETE FROM facilitators WHERE user_id = %lld", (long long)alice.id),
	      "alice stops facilitating A");
	r = client_get(alice.c, "/calendar?mine=1");
	CHECK(!body_has(&r, ">Planning, moved</a>"), "alice left A but still has its meetings");
	reply_free(&r);
	r = client_get(bob.c, "/calendar?mine=1");
	CHECK(body_has(&r, ">Planning, moved</a>"), "bob's own meetings lost A's");
	reply_free(&r);
}

/* The feed address of p: visits /calendar/feed, which shows it on the first visit (heap). */
static char *feed_path(Person *p)
{
	Reply r = client_get(p->c, "/calendar/feed");
	const char *f = r.body ? strstr(r.body, "/feed/") : NULL;
	const char *e = f ? strstr(f, ".ics") : NULL;
	char *path = f && e ? strndup(f, (size_t)(e + 4 - f)) : NULL;
	reply_free(&r);
	return path;
}

static Reply get_with(Client *c, const char *path, const char *header)
{
	const char *headers[] = {header, NULL};
	Request rq = {.method = "GET", .path = path, .headers = header ? headers : NULL};
	return client_request(c, &rq);
}

TEST(feed_answers_not_modified_until_a_change)
{
	char *path = feed_path(&bob);
	CHECK(path != NULL, "no feed address");
	if (!path)
		return;
	Client *app = client_new(&srv); /* a calendar app: no session */
	Reply r = get_with(app, path, NULL);
	CHECK(r.status == 200 && body_has(&r, "SUMMARY:Planning\\, moved"), "feed: %ld", r.status);
	const char *tag = reply_header(&r, "ETag");
	CHECK(tag && !strncmp(tag, "W/\"", 3), "no weak ETag");
	CHECK(reply_has_header_value(&r, "Cache-Control", "private, no-cache"),
	      "the feed may not be kept for revalidation");
	char *etag = tag ? strdup(tag) : strdup("none");
	char *modified = reply_header(&r, "Last-Modified") ? strdup(reply_header(&r, "Last-Modified"))
							   : NULL;
	reply_free(&r);

	char header[200];
	snprintf(header, sizeof header, "If-None-Match: %s", etag);
	r = get_with(app, path, header);
	CHECK(r.status == 304 && r.body_len == 0, "a poll with the current tag: %ld, %zu bytes",
	      r.status, r.body_len);
	CHECK(reply_header(&r, "ETag") && !strcmp(reply_header(&r, "ETag"), etag),
	      "304 without its tag");
	reply_free(&r);
	r = get_with(app, path, "If-None-Match: W/\"f1-0-0-0\"");
	CHECK(r.status == 200, "another tag: %ld", r.status);
	reply_free(&r);
	if (modified) {
		snprintf(header, sizeof header, "If-Modified-Since: %s", modified);
		r = get_with(app, path, header);
		CHECK(r.status == 304, "If-Modified-Since its Last-Modified: %ld", r.status);
		reply_free(&r);
	}
	r = get_with(app, path, "If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT");
	CHECK(r.status == 200, "If-Modified-Since long ago: %ld", r.status);
	reply_free(&r);

	/* A change to a meeting: the old tag no longer matches and the text is new. */
	CHECK(sql_exec(&srv, "UPDATE meetings SET title = 'Planning, final' WHERE uid = "
			     "'plan@read.test'"), "retitle");
	snprintf(header, sizeof header, "If-None-Match: %s", etag);
	r = get_with(app, path, header);
	CHECK(r.status == 200 && body_has(&r, "SUMMARY:Planning\\, final"),
	      "after a change: %ld", r.status);
	char *etag2 = reply_header(&r, "ETag") ? strdup(reply_header(&r, "ETag")) : strdup("none");
	CHECK(strcmp(etag, etag2) != 0, "the tag did not change");
	reply_free(&r);
	/* The brand names the calendar. */
	CHECK(sql_exec(&srv, "INSERT INTO settings (key, value) VALUES ('brand_name', "
			     "'Riverside Network')"), "brand");
	snprintf(header, sizeof header, "If-None-Match: %s", etag2);
	r = get_with(app, path, header);
	CHECK(r.status == 200 && body_has(&r, "X-WR-CALNAME:Riverside Network meetings"),
	      "after the brand changed: %ld", r.status);
	reply_free(&r);
	/* A tag is no key: another member's feed answers for them only. */
	char *alices = feed_path(&alice);
	if (alices) {
		r = get_with(app, alices, header);
		CHECK(r.status == 200, "alice's feed with bob's tag: %ld", r.status);
		reply_free(&r);
	}
	free(alices);
	free(etag);
	free(etag2);
	free(modified);
	free(path);
	client_free(app);
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
	if (!sql_exec(&srv, "INSERT INTO communities (slug, name, status, seat_limit, created_at) "
			    "VALUES ('comm-a', 'Community A', 'open', NULL, 0), "
			    "('comm-b', 'Community B', 'open', 1, 0)"))
		return false;
	ca = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'comm-a'");
	cb = sql_int(&srv, "SELECT id FROM communities WHERE slug = 'comm-b'");
	int64_t carol = add_user(&srv, "carol@riverside.org", "Carol Seat", SCHOOL, MEMBER_PASSWORD);
	return carol && add_membership(&srv, ca, alice.id, "participant") &&
	       add_membership(&srv, cb, carol, "participant") &&
	       add_membership(&srv, cb, bob.id, "waitlisted") && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/account");
}

SUITE_MAIN(setup, &srv, people, directory_follows_changes_and_keeps_badges_apart,
	directory_next_meeting_follows_data_and_clock,
	calendar_follows_changes_and_keeps_mine_apart, feed_answers_not_modified_until_a_change,
	stops_cleanly)
