/* Calendars against a real server: the list and month views (a meeting late in the evening
 * in New York lands on its New York day, not its UTC one), the community and "my meetings"
 * filters, a meeting's .ics parsed back with libical (UID, DTSTART in UTC, SEQUENCE,
 * LOCATION, STATUS; UID kept and SEQUENCE raised after an edit), and the private feed: its
 * token works without a session, unknown tokens are 404, a reset retires the old address,
 * cancelled meetings stay as STATUS:CANCELLED and only the member's communities' and
 * association-wide meetings are in it.
 *
 * One server for the suite; meetings are inserted with SQL. */
#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL "Northfield Academy"

static Server srv;
static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person alice = {"alice@northfield.org", "Alice Participant"};
static Person bob = {"bob@northfield.org", "Bob Facilitator"};
static Person carol = {"carol@northfield.org", "Carol Nobody"};
static Person *const people[] = {&admin, &alice, &bob, &carol};

/* Communities: A (alice takes part), B (bob facilitates), C (nobody). */
static int64_t ca, cb, cc;
/* Meetings, all on 2030-03-14 in New York unless noted. */
static int64_t m_evening;  /* A, 21:30 EDT = 01:30Z on the 15th, hybrid */
static int64_t m_b;        /* B */
static int64_t m_c;        /* C */
static int64_t m_all;      /* association-wide */
static int64_t m_cancelled;/* A, cancelled */
static int64_t evening_start;

/* ---- helpers ---- */

/* Unix time of a New York wall-clock time (the test process runs in SERVER_TZ). */
static int64_t ny_time(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

static int64_t add_meeting(int64_t community, const char *title, int64_t starts,
			   const char *format, const char *venue, const char *address,
			   const char *video, const char *status, const char *uid)
{
	char community_sql[32];
	if (community)
		snprintf(community_sql, sizeof community_sql, "%lld", (long long)community);
	else
		snprintf(community_sql, sizeof community_sql, "NULL");
	CHECK(sql_exec(&srv, "INSERT INTO meetings (community_id, title, starts_at, ends_at, format, "
			     "venue, address, video_url, status, signin_code, uid, sequence, "
			     "created_at, updated_at) VALUES (%s, '%s', %lld, %lld, '%s', '%s', '%s', "
			     "'%s', '%s', 'CODE', '%s', 2, 0, 0)",
		       community_sql, title, (long long)starts, (long long)(starts + 5400), format,
		       venue, address, video, status, uid),
	      "could not insert meeting %s", title);
	int64_t id = sql_int(&srv, "SELECT id FROM meetings WHERE uid = '%s'", uid);
	return id == SQL_NO_ROW ? 0 : id;
}

/* The text of the last <h2 ...>...</h2> before `at` in html (static buffer). */
static const char *heading_before(const char *html, const char *at)
{
	static char out[200];
	out[0] = '\0';
	const char *h = NULL;
	for (const char *p = strstr(html, "<h2"); p && p < at; p = strstr(p + 1, "<h2"))
		h = p;
	if (!h)
		return out;
	const char *s = strchr(h, '>');
	const char *e = s ? strstr(s, "</h2>") : NULL;
	if (s && e)
		snprintf(out, sizeof out, "%.*s", (int)(e - s - 1), s + 1);
	return out;
}

/* The day number of the month-grid cell holding `at`, or 0. */
static int cell_day_before(const char *html, const char *at)
{
	const char *d = NULL;
	for (const char *p = strstr(html, "class=\"day-number\">"); p && p < at;
	     p = strstr(p + 1, "class=\"day-number\">"))
		d = p;
	return d ? atoi(d + strlen("class=\"day-number\">")) : 0;
}

/* Parses an iCalendar body; NULL when it does not parse. */
static icalcomponent *parse(const Reply *r)
{
	return r->body ? icalparser_parse_string(r->body) : NULL;
}

static icalcomponent *event_with_uid(icalcomponent *cal, const char *uid)
{
	for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e;
	     e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
		if (icalcomponent_get_uid(e) && !strcmp(icalcomponent_get_uid(e), uid))
			return e;
	return NULL;
}

static Reply get_ics(int64_t meeting)
{
	char path[64];
	snprintf(path, sizeof path, "/meetings/%lld/ics", (long long)meeting);
	return client_get(alice.c, path);
}

/* Visits /calendar/feed as p and returns the feed's path ("/feed/TOKEN.ics", heap), or NULL
 * when the page shows no address. */
static char *feed_path(Person *p)
{
	Reply r = client_get(p->c, "/calendar/feed");
	CHECK(r.status == 200, "feed page: %ld", r.status);
	CHECK(reply_has_header_value(&r, "Referrer-Policy", "no-referrer"),
	      "feed page without Referrer-Policy: no-referrer");
	char *out = NULL;
	const char *v = r.body ? strstr(r.body, "id=\"feed-url\"") : NULL;
	const char *f = v ? strstr(v, "/feed/") : NULL;
	const char *e = f ? strstr(f, ".ics\"") : NULL;
	if (f && e)
		out = strndup(f, (size_t)(e + 4 - f));
	reply_free(&r);
	return out;
}

/* ---- tests ---- */

TEST(list_view_shows_meeting_on_new_york_day)
{
	Reply r = client_get(carol.c, "/calendar");
	CHECK(r.status == 200, "status %ld", r.status);
	const char *at = r.body ? strstr(r.body, ">Evening session</a>") : NULL;
	CHECK(at != NULL, "the evening meeting is not listed");
	if (at) {
		const char *day = heading_before(r.body, at);
		CHECK(!strcmp(day, "Thursday, March 14, 2030"), "listed under \"%s\"", day);
		CHECK(strstr(at, "Community A") && strstr(at, "9:30 PM") && strstr(at, "EDT"),
		      "community or time missing");
	}
	const char *c = r.body ? strstr(r.body, ">Called off</a>") : NULL;
	const char *end = c ? strstr(c, "</li>") : NULL;
	const char *badge = c ? strstr(c, "<span class=\"badge\">Cancelled</span>") : NULL;
	CHECK(badge && badge < end, "the cancelled meeting is not marked");
	CHECK(body_has(&r, ">Association kick-off</a>"), "association-wide meeting missing");
	CHECK(body_has(&r, "aria-current=\"page\">Calendar</a>"), "no Calendar nav item");
	reply_free(&r);
}

TEST(month_view_grid)
{
	Reply r = client_get(carol.c, "/calendar?view=month&month=2030-03");
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "<table class=\"month-grid\">") && body_has(&r, "<caption>March 2030"),
	      "no month table");
	CHECK(body_has(&r, "<th scope=\"col\"><abbr title=\"Sunday\">Sun</abbr></th>"),
	      "no weekday column headers");
	const char *at = r.body ? strstr(r.body, "Evening session</a>") : NULL;
	CHECK(at && cell_day_before(r.body, at) == 14, "in the cell of day %d",
	      at ? cell_day_before(r.body, at) : -1);
	CHECK(at && strstr(r.body, "href=\"/meetings/") != NULL, "meetings are not links");
	CHECK(body_has(&r, "month=2030-02") && body_has(&r, "month=2030-04"),
	      "no previous/next month links");
	reply_free(&r);
	r = client_get(carol.c, "/calendar?view=month&month=2030-04");
	CHECK(!body_has(&r, "Evening session"), "March meeting in April");
	reply_free(&r);
	r = client_get(carol.c, "/calendar?view=month&month=2030-13");
	CHECK(r.status == 200, "a bad month: %ld", r.status);
	reply_free(&r);
}

TEST(filters)
{
	Reply r = client_get(carol.c, "/calendar?community=comm-b");
	CHECK(body_has(&r, ">B meeting</a>"), "community filter lost its own meeting");
	CHECK(!body_has(&r, ">Evening session</a>") && !body_has(&r, ">C meeting</a>"),
	      "community filter shows other communities");
	reply_free(&r);
	r = client_get(alice.c, "/calendar?mine=1");
	CHECK(body_has(&r, ">Evening session</a>") && body_has(&r, ">Association kick-off</a>"),
	      "mine lost alice's or association-wide meetings");
	CHECK(!body_has(&r, ">B meeting</a>") && !body_has(&r, ">C meeting</a>"),
	      "mine shows other communities");
	reply_free(&r);
	r = client_get(bob.c, "/calendar?view=month&month=2030-03&mine=1");
	CHECK(body_has(&r, "B meeting</a>") && !body_has(&r, "Evening session</a>"),
	      "mine for a facilitator");
	CHECK(body_has(&r, "month=2030-04&amp;mine=1"), "month links drop the filter");
	reply_free(&r);
}

TEST(meeting_ics_parses)
{
	Reply r = get_ics(m_evening);
	CHECK(r.status == 200, "status %ld", r.status);
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strcmp(ct, "text/calendar; charset=utf-8"), "Content-Type %s", ct ? ct : "-");
	const char *cd = reply_header(&r, "Content-Disposition");
	CHECK(cd && !strncmp(cd, "attachment", 10), "Content-Disposition %s", cd ? cd : "-");
	CHECK(body_has(&r, "DTSTART:20300315T013000Z"), "DTSTART not in UTC: %.400s", r.body);
	icalcomponent *cal = parse(&r);
	icalcomponent *e = cal ? event_with_uid(cal, "evening@practica.test") : NULL;
	CHECK(e != NULL, "no VEVENT with the meeting's UID");
	if (e) {
		struct icaltimetype t = icalcomponent_get_dtstart(e);
		CHECK(icaltime_is_utc(t), "DTSTART is not UTC");
		CHECK((int64_t)icaltime_as_timet(t) == evening_start, "DTSTART %lld, want %lld",
		      (long long)icaltime_as_timet(t), (long long)evening_start);
		CHECK((int64_t)icaltime_as_timet(icalcomponent_get_dtend(e)) == evening_start + 5400,
		      "DTEND wrong");
		CHECK(icalcomponent_get_sequence(e) == 2, "SEQUENCE %d",
		      icalcomponent_get_sequence(e));
		const char *where = icalcomponent_get_location(e);
		CHECK(where && !strcmp(where, "Room 4, 1 Main St, Springfield"), "LOCATION %s",
		      where ? where : "-");
		CHECK(icalcomponent_get_status(e) == ICAL_STATUS_CONFIRMED, "STATUS not CONFIRMED");
		const char *sum = icalcomponent_get_summary(e);
		CHECK(sum && strstr(sum, "Evening session") && strstr(sum, "Community A"),
		      "SUMMARY %s", sum ? sum : "-");
		icalproperty *url = icalcomponent_get_first_property(e, ICAL_URL_PROPERTY);
		CHECK(url && !strcmp(icalproperty_get_url(url), "https://video.example/room"),
		      "URL missing");
		const char *desc = icalcomponent_get_description(e);
		CHECK(desc && strstr(desc, "https://video.example/room"), "video not in DESCRIPTION");
	}
	if (cal)
		icalcomponent_free(cal);
	reply_free(&r);
	r = get_ics(m_c); /* a virtual meeting: "Online" */
	cal = parse(&r);
	e = cal ? event_with_uid(cal, "c@practica.test") : NULL;
	CHECK(e && icalcomponent_get_location(e) &&
		      !strcmp(icalcomponent_get_location(e), "Online"), "virtual LOCATION");
	if (cal)
		icalcomponent_free(cal);
	reply_free(&r);
	char path[64];
	snprintf(path, sizeof path, "/meetings/%lld", (long long)m_evening);
	r = client_get(alice.c, path);
	char link[96];
	snprintf(link, sizeof link, "href=\"/meetings/%lld/ics\">Add to calendar (.ics)</a>",
		 (long long)m_evening);
	CHECK(body_has(&r, link), "no Add to calendar link on the meeting page");
	reply_free(&r);
}

TEST(edit_keeps_uid_raises_sequence)
{
	CHECK(sql_exec(&srv, "UPDATE meetings SET title = 'C meeting (moved)', sequence = sequence + "
			     "1, starts_at = starts_at + 3600, ends_at = ends_at + 3600 WHERE id = "
			     "%lld", (long long)m_c), "update failed");
	Reply r = get_ics(m_c);
	icalcomponent *cal = parse(&r);
	icalcomponent *e = cal ? event_with_uid(cal, "c@practica.test") : NULL;
	CHECK(e != NULL, "UID changed after an edit");
	if (e) {
		CHECK(icalcomponent_get_sequence(e) == 3, "SEQUENCE %d, want 3",
		      icalcomponent_get_sequence(e));
		CHECK(strstr(icalcomponent_get_summary(e), "(moved)") != NULL, "old SUMMARY");
	}
	if (cal)
		icalcomponent_free(cal);
	reply_free(&r);
}

TEST(feed_token_lifecycle)
{
	char *path = feed_path(&alice);
	CHECK(path != NULL, "no feed address shown on the first visit");
	if (!path)
		return;
	CHECK(sql_int(&srv, "SELECT length(token_hash) FROM calendar_tokens WHERE user_id = %lld",
		      (long long)alice.id) == 32, "no 32-byte hash stored");
	const char *token = path + strlen("/feed/");
	CHECK(sql_int(&srv, "SELECT count(*) FROM calendar_tokens WHERE instr(token_hash, '%.*s') "
			    "OR instr(hex(token_hash), upper('%.*s'))", (int)strlen(token) - 4, token,
		      (int)strlen(token) - 4, token) == 0, "the token itself is stored");
	Client *anon = client_new(&srv); /* a calendar app: no session */
	Reply r = client_get(anon, path);
	CHECK(r.status == 200, "feed: %ld", r.status);
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strncmp(ct, "text/calendar", 13), "Content-Type %s", ct ? ct : "-");
	icalcomponent *cal = parse(&r);
	CHECK(cal != NULL, "feed does not parse");
	if (cal) {
		CHECK(event_with_uid(cal, "evening@practica.test"), "own community's meeting missing");
		CHECK(event_with_uid(cal, "all@practica.test"), "association-wide meeting missing");
		CHECK(!event_with_uid(cal, "b@practica.test") && !event_with_uid(cal, "c@practica.test"),
		      "other communities' meetings in the feed");
		icalcomponent *x = event_with_uid(cal, "cancelled@practica.test");
		CHECK(x && icalcomponent_get_status(x) == ICAL_STATUS_CANCELLED,
		      "cancelled meeting missing or not STATUS:CANCELLED");
		icalcomponent_free(cal);
	}
	CHECK(body_has(&r, "STATUS:CANCELLED"), "no STATUS:CANCELLED line");
	reply_free(&r);

	/* Later visits cannot show it again. */
	char *again = feed_path(&alice);
	CHECK(again == NULL, "the address was shown again: %s", again);
	free(again);

	/* Unknown tokens and other names. */
	const char *bad[] = {"/feed/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", "/feed/x.ics",
			     "/feed/.ics", NULL};
	for (int i = 0; bad[i]; i++) {
		r = client_get(anon, bad[i]);
		CHECK(r.status == 404, "%s: %ld", bad[i], r.status);
		reply_free(&r);
	}
	char *no_ext = strndup(path, strlen(path) - 4);
	r = client_get(anon, no_ext);
	CHECK(r.status == 404, "token without .ics: %ld", r.status);
	reply_free(&r);
	free(no_ext);

	/* Reset: the old address stops working, the new one works. */
	r = post_as(&alice, "/calendar/feed/reset", NULL);
	CHECK(reply_is(&r, 303, "/calendar/feed?notice=feed-reset"), "reset: %ld", r.status);
	reply_free(&r);
	r = client_get(anon, path);
	CHECK(r.status == 404, "old address after reset: %ld", r.status);
	reply_free(&r);
	char *fresh = feed_path(&alice);
	CHECK(fresh && strcmp(fresh, path) != 0, "no new address after reset");
	if (fresh) {
		r = client_get(anon, fresh);
		CHECK(r.status == 200 && body_has(&r, "UID:evening@practica.test"),
		      "new address: %ld", r.status);
		reply_free(&r);
	}
	free(fresh);
	free(path);

	/* A facilitator's feed: their community, not alice's. */
	char *bobs = feed_path(&bob);
	if (bobs) {
		r = client_get(anon, bobs);
		CHECK(body_has(&r, "UID:b@practica.test") && body_has(&r, "UID:all@practica.test") &&
			      !body_has(&r, "UID:evening@practica.test"),
		      "bob's feed: %.300s", r.body);
		reply_free(&r);
		/* A disabled account's feed stops. */
		sql_exec(&srv, "UPDATE users SET status = 'disabled' WHERE id = %lld",
			 (long long)bob.id);
		r = client_get(anon, bobs);
		CHECK(r.status == 404, "disabled account's feed: %ld", r.status);
		reply_free(&r);
		sql_exec(&srv, "UPDATE users SET status = 'active' WHERE id = %lld", (long long)bob.id);
	}
	CHECK(bobs != NULL, "no address for bob");
	free(bobs);
	client_free(anon);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), NULL);
}

/* ---- setup ---- */

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), SCHOOL))
		return false;
	ca = add_community(&srv, "comm-a", "Community A", "open", "open");
	cb = add_community(&srv, "comm-b", "Community B", "open", "open");
	cc = add_community(&srv, "comm-c", "Community C", "open", "open");
	if (!ca || !cb || !cc || !add_membership(&srv, ca, alice.id, "participant") ||
	    !add_facilitator(&srv, cb, bob.id))
		return false;
	evening_start = ny_time(2030, 3, 14, 21, 30);
	m_evening = add_meeting(ca, "Evening session", evening_start, "hybrid", "Room 4",
				"1 Main St, Springfield", "https://video.example/room", "scheduled",
				"evening@practica.test");
	m_b = add_meeting(cb, "B meeting", ny_time(2030, 3, 12, 15, 0), "virtual", "", "", "",
			  "scheduled", "b@practica.test");
	m_c = add_meeting(cc, "C meeting", ny_time(2030, 3, 20, 15, 0), "virtual", "", "",
			  "https://video.example/c", "scheduled", "c@practica.test");
	m_all = add_meeting(0, "Association kick-off", ny_time(2030, 3, 1, 9, 0), "in_person",
			    "Hall", "", "", "scheduled", "all@practica.test");
	m_cancelled = add_meeting(ca, "Called off", ny_time(2030, 3, 21, 15, 0), "virtual", "", "",
				  "", "cancelled", "cancelled@practica.test");
	return m_evening && m_b && m_c && m_all && m_cancelled && server_start(&srv) &&
	       people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, list_view_shows_meeting_on_new_york_day, month_view_grid, filters,
	meeting_ics_parses, edit_keeps_uid_raises_sequence, feed_token_lifecycle, stops_cleanly)
