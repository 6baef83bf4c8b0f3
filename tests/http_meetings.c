/* Meetings against a real server: scheduling a meeting (UTC in the database, the association's
 * local time on the form and page), validation, editing (SEQUENCE bumps), cancelling (stays
 * visible), recurring series (monthly by weekday, weekly, the 60 limit), the agenda (add, move,
 * delete, order), the printable agenda and sign-in sheet, the community home and directory,
 * who may do what (facilitator of THIS community or admin; association-wide meetings admin
 * only; a meeting under another community's slug is 404) and HTML escaping.
 *
 * One server for the suite; everyone signs in once in setup(). Tests make their own meetings
 * (distinct titles) so they do not depend on one another. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL_A "Northfield Academy"
#define SCHOOL_B "Harbor School"

static Server srv;
static int64_t cop_a, cop_b; /* communities "cop-a" (fac) and "cop-b" (fac2) */

static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fac = {"fiona@northfield.org", "Fiona Facil", SCHOOL_A};
static Person fac2 = {"gus@harbor.org", "Gus Other", SCHOOL_B};
static Person part = {"mia@northfield.org", "Mia Participant", SCHOOL_A};
static Person mem = {"noah@harbor.org", "Noah Member", SCHOOL_B};
static Person *const people[] = {&admin, &fac, &fac2, &part, &mem};

/* ---- helpers ---- */

/* The Unix time of a local date and clock time in the server's zone (TZ is set to it). */
static int64_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

/* POSTs the meeting form to action (create); title, date and times vary, the rest is fixed. */
static Reply post_meeting(Person *p, const char *action, const char *title, const char *date,
			  const char *start, const char *end, const char *video)
{
	return post_as(p, action, "title", title, "number", "", "date", date, "start", start, "end",
		       end, "format", "virtual", "venue", "", "address", "", "video", video,
		       "purpose", "Building **community**.", "seats", "", "repeat", "none", "until",
		       "", NULL);
}

/* The meeting id a create/edit redirect points at ("/meetings/ID?..."), 0 when none. */
static int64_t redirect_id(const Reply *r)
{
	const char *l = reply_header(r, "Location");
	return l && !strncmp(l, "/meetings/", 10) ? atoll(l + 10) : 0;
}

/* Schedules a virtual meeting in cop-a (as fac) on date 15:00-16:30; returns its id. */
static int64_t make_meeting(const char *title, const char *date)
{
	Reply r = post_meeting(&fac, "/communities/cop-a/meetings", title, date, "15:00", "16:30",
			       "https://meet.example.org/abc");
	int64_t id = redirect_id(&r);
	CHECK(r.status == 303 && id, "scheduling %s: status %ld Location %s", title, r.status,
	      reply_location(&r));
	reply_free(&r);
	return id;
}

static int64_t count_titled(const char *title)
{
	return sql_int(&srv, "SELECT count(*) FROM meetings WHERE title = '%s'", title);
}

static void expect(Reply *r, long want, const char *what)
{
	CHECK(r->status == want, "%s: status %ld, want %ld (Location %s)", what, r->status, want,
	      reply_location(r));
	reply_free(r);
}

static void get_expect(Person *p, const char *where, long want)
{
	Reply r = client_get(p->c, where);
	CHECK(r.status == want, "%s GET %s: status %ld, want %ld", p->name, where, r.status, want);
	reply_free(&r);
}

/* ---- scheduling ---- */

TEST(create_meeting_stores_utc_and_shows_local_time)
{
	Reply r = post_as(&fac, "/communities/cop-a/meetings", "title", "Kick-off circle", "number",
			  "3", "date", "2030-10-15", "start", "15:00", "end", "16:30", "format",
			  "hybrid", "venue", "CAS", "address", "30 Realty Drive, Cheshire, CT 06410",
			  "video", "https://meet.example.org/kick", "mandatory", "yes", "purpose",
			  "Building **foundational** knowledge.", "seats", "40", "repeat", "none",
			  "until", "", NULL);
	int64_t id = redirect_id(&r);
	CHECK(r.status == 303 && id && strstr(reply_location(&r), "notice=meeting-created"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT starts_at FROM meetings WHERE id = %lld", (long long)id) ==
		      local(2030, 10, 15, 15, 0),
	      "starts_at is not 15:00 local");
	CHECK(sql_int(&srv, "SELECT starts_at FROM meetings WHERE id = %lld", (long long)id) ==
		      1918321200,
	      "starts_at is not 19:00 UTC (EDT)");
	CHECK(sql_int(&srv, "SELECT ends_at - starts_at FROM meetings WHERE id = %lld",
		      (long long)id) == 90 * 60, "the meeting does not last 90 minutes");
	CHECK(sql_int(&srv, "SELECT community_id = %lld AND number = 3 AND sequence = 0 AND "
			    "mandatory = 1 AND seat_limit = 40 AND format = 'hybrid' AND "
			    "uid LIKE '%%@practica' AND length(signin_code) = 6 AND "
			    "signin_code NOT GLOB '*[01OIL]*' FROM meetings WHERE id = %lld",
		      (long long)cop_a, (long long)id) == 1, "the stored row is not as entered");
	r = client_get(part.c, pathf("/meetings/%lld", (long long)id));
	CHECK(r.status == 200, "status %ld", r.status);
	CHECK(body_has(&r, "Meeting #3") && body_has(&r, "Kick-off circle"), "no title/number");
	CHECK(body_has(&r, "Tuesday, October 15, 2030, 3:00 PM - 4:30 PM EDT"), "no local time");
	CHECK(body_has(&r, "30 Realty Drive") && body_has(&r, "https://meet.example.org/kick"),
	      "no venue or video link");
	CHECK(body_has(&r, "Mandatory") && body_has(&r, "<strong>foundational</strong>"),
	      "no mandatory mark or purpose");
	CHECK(body_has(&r, "href=\"/communities/cop-a\""), "no community link");
	CHECK(!body_has(&r, "/edit\""), "a participant sees the Edit link");
	reply_free(&r);
	/* Winter: EST, five hours behind UTC. */
	id = make_meeting("Winter call", "2030-01-15");
	CHECK(sql_int(&srv, "SELECT starts_at FROM meetings WHERE id = %lld", (long long)id) ==
		      1894737600, "winter starts_at is not 20:00 UTC");
}

TEST(create_validation_errors_422_no_row)
{
	static const struct {
		const char *date, *start, *end, *video, *field;
	} bad[] = {
		{"2030-02-30", "15:00", "16:30", "", "f-date-error"},
		{"10/15/2030", "15:00", "16:30", "", "f-date-error"},
		{"2030-10-15", "25:00", "16:30", "", "f-start-error"},
		{"2030-10-15", "3pm", "16:30", "", "f-start-error"},
		{"2030-10-15", "15:00", "14:00", "", "f-end-error"},
		{"2030-10-15", "15:00", "15:00", "", "f-end-error"},
		{"2030-10-15", "15:00", "16:30", "javascript:alert(1)", "f-video-error"},
		{"2030-10-15", "15:00", "16:30", "meet.example.org/x", "f-video-error"},
		{"2030-10-15", "15:00", "16:30", "https://", "f-video-error"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		Reply r = post_meeting(&fac, "/communities/cop-a/meetings", "Invalid meeting",
				       bad[i].date, bad[i].start, bad[i].end, bad[i].video);
		CHECK(r.status == 422, "case %zu: status %ld", i, r.status);
		CHECK(body_has(&r, bad[i].field), "case %zu: no %s", i, bad[i].field);
		CHECK(body_has(&r, "value=\"Invalid meeting\""), "case %zu: input not kept", i);
		CHECK(body_has(&r, "<label for=\"f-date\">"), "case %zu: no label", i);
		reply_free(&r);
	}
	Reply r = post_meeting(&fac, "/communities/cop-a/meetings", "", "2030-10-15", "15:00",
			       "16:30", "");
	CHECK(r.status == 422 && body_has(&r, "f-title-error"), "empty title: status %ld", r.status);
	reply_free(&r);
	CHECK(count_titled("Invalid meeting") == 0, "an invalid meeting was stored");
}

TEST(edit_bumps_sequence_and_keeps_uid)
{
	int64_t id = make_meeting("Edit me", "2030-11-05");
	char *uid = sql_text(&srv, "SELECT uid FROM meetings WHERE id = %lld", (long long)id);
	const char *edit = pathf("/communities/cop-a/meetings/%lld/edit", (long long)id);
	Reply r = client_get(fac.c, edit);
	CHECK(r.status == 200 && body_has(&r, "value=\"2030-11-05\"") &&
		      body_has(&r, "value=\"15:00\"") && body_has(&r, "value=\"16:30\""),
	      "edit form not filled in: status %ld", r.status);
	reply_free(&r);
	r = post_as(&fac, edit, "title", "Edited meeting", "number", "2", "date", "2030-11-06",
		    "start", "09:00", "end", "12:00", "format", "in_person", "venue", "CAS",
		    "address", "Cheshire", "video", "", "purpose", "", "seats", "", NULL);
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=meeting-saved", (long long)id)),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT sequence FROM meetings WHERE id = %lld", (long long)id) == 1,
	      "sequence not bumped");
	CHECK(sql_int(&srv, "SELECT starts_at FROM meetings WHERE id = %lld", (long long)id) ==
		      local(2030, 11, 6, 9, 0), "new start not stored");
	char *uid2 = sql_text(&srv, "SELECT uid FROM meetings WHERE id = %lld", (long long)id);
	CHECK(uid && uid2 && !strcmp(uid, uid2), "uid changed");
	free(uid);
	free(uid2);
	r = post_as(&fac, edit, "title", "Edited again", "number", "", "date", "2030-11-06", "start",
		    "12:00", "end", "09:00", "format", "in_person", "venue", "", "address", "",
		    "video", "", "purpose", "", "seats", "", NULL);
	CHECK(r.status == 422 && body_has(&r, "f-end-error") &&
		      body_has(&r, "value=\"Edited again\""), "bad edit: status %ld", r.status);
	reply_free(&r);
	CHECK(count_titled("Edited meeting") == 1 && count_titled("Edited again") == 0,
	      "a bad edit changed the row");
	CHECK(sql_int(&srv, "SELECT sequence FROM meetings WHERE id = %lld", (long long)id) == 1,
	      "a bad edit bumped the sequence");
}

TEST(cancel_keeps_meeting_visible)
{
	int64_t id = make_meeting("Cancel me", "2030-12-03");
	const char *cancel = pathf("/communities/cop-a/meetings/%lld/cancel", (long long)id);
	Reply r = post_as(&fac, cancel, NULL);
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=meeting-cancelled", (long long)id)),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT status = 'cancelled' AND sequence = 1 FROM meetings WHERE "
			    "id = %lld", (long long)id) == 1, "not cancelled with a bumped sequence");
	r = client_get(part.c, pathf("/meetings/%lld", (long long)id));
	CHECK(r.status == 200 && body_has(&r, "Cancel me") && body_has(&r, "Cancelled"),
	      "cancelled meeting page: status %ld", r.status);
	reply_free(&r);
	r = client_get(part.c, "/communities/cop-a/meetings");
	CHECK(r.status == 200 && body_has(&r, "Cancel me") &&
		      body_has(&r, "<span class=\"badge\">Cancelled</span>"),
	      "not listed as cancelled");
	reply_free(&r);
	r = post_as(&fac, cancel, NULL);
	expect(&r, 409, "cancelling twice");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND kind = "
			    "'meeting' AND text LIKE '%%Cancel me%%is cancelled' AND link = "
			    "'/meetings/%lld'", (long long)part.id, (long long)id) == 1,
	      "the participant was not told of the cancellation");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND text "
			    "LIKE '%%Cancel me%%'", (long long)fac.id) == 0,
	      "the facilitator was notified of their own cancel");
}

/* A mistaken cancel is undone: the meeting is scheduled again, its calendar entries follow
 * (sequence bumped again) and its people are told; only its managers may. */
TEST(cancelled_meeting_put_back_on_schedule)
{
	int64_t id = make_meeting("Back on", "2030-12-04");
	const char *base = pathf("/communities/cop-a/meetings/%lld", (long long)id);
	const char *restore = pathf("%s/restore", base);
	Reply r = post_as(&fac, restore, NULL);
	expect(&r, 409, "restoring a meeting that is not cancelled");
	r = post_as(&fac, pathf("%s/cancel", base), NULL);
	expect(&r, 303, "cancel");
	r = client_get(fac.c, pathf("/meetings/%lld", (long long)id));
	CHECK(r.status == 200 && body_has(&r, pathf("action=\"%s\"", restore)),
	      "no restore button for the facilitator on a cancelled meeting");
	reply_free(&r);
	r = post_as(&part, restore, NULL);
	CHECK(r.status == 403, "a participant restored a meeting: %ld", r.status);
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT status = 'cancelled' FROM meetings WHERE id = %lld",
		      (long long)id) == 1, "a refused restore changed the meeting");
	r = post_as(&fac, restore, NULL);
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=meeting-restored", (long long)id)),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	CHECK(sql_int(&srv, "SELECT status = 'scheduled' AND sequence = 2 FROM meetings WHERE "
			    "id = %lld", (long long)id) == 1, "not scheduled again with a bumped sequence");
	CHECK(sql_int(&srv, "SELECT count(*) FROM notifications WHERE user_id = %lld AND text "
			    "LIKE '%%Back on%%back on the schedule'", (long long)part.id) == 1,
	      "the participant was not told the meeting is back on");
	r = client_get(part.c, pathf("/meetings/%lld", (long long)id));
	CHECK(r.status == 200 && !body_has(&r, "cancelled-note"), "still shown as cancelled");
	reply_free(&r);
	r = post_as(&fac, restore, NULL);
	expect(&r, 409, "restoring twice");
}

TEST(monthly_series_by_weekday)
{
	Reply r = post_as(&fac, "/communities/cop-a/meetings", "title", "Monthly call", "number", "",
			  "date", "2030-10-08", "start", "15:00", "end", "16:30", "format",
			  "virtual", "venue", "", "address", "", "video", "https://meet.example.org/m",
			  "purpose", "", "seats", "", "repeat", "monthly", "until", "2031-05-31", NULL);
	CHECK(reply_is(&r, 303, "/communities/cop-a/meetings?notice=series-created"),
	      "status %ld Location %s", r.status, reply_location(&r));
	reply_free(&r);
	static const int want[][3] = {{2030, 10, 8},  {2030, 11, 12}, {2030, 12, 10}, {2031, 1, 14},
				      {2031, 2, 11},  {2031, 3, 11},  {2031, 4, 8},   {2031, 5, 13}};
	CHECK(count_titled("Monthly call") == 8, "%lld meetings, want 8",
	      (long long)count_titled("Monthly call"));
	int64_t series = sql_int(&srv, "SELECT id FROM meeting_series WHERE title = 'Monthly call'");
	CHECK(series != SQL_NO_ROW, "no meeting_series row");
	char *rule = sql_text(&srv, "SELECT rule FROM meeting_series WHERE id = %lld",
			      (long long)series);
	CHECK(rule && strstr(rule, "2nd Tuesday"), "rule %s", rule ? rule : "(none)");
	free(rule);
	for (int i = 0; i < 8; i++) {
		int64_t got = sql_int(&srv, "SELECT starts_at FROM meetings WHERE series_id = %lld "
					    "AND number = %d", (long long)series, i + 1);
		CHECK(got == local(want[i][0], want[i][1], want[i][2], 15, 0),
		      "meeting #%d is not on %d-%02d-%02d 15:00", i + 1, want[i][0], want[i][1],
		      want[i][2]);
	}
	/* Each is editable on its own. */
	int64_t third = sql_int(&srv, "SELECT id FROM meetings WHERE series_id = %lld AND "
				      "number = 3", (long long)series);
	r = post_as(&fac, pathf("/communities/cop-a/meetings/%lld/edit", (long long)third), "title",
		    "Monthly call (holiday edition)", "number", "3", "date", "2030-12-17", "start",
		    "15:00", "end", "16:30", "format", "virtual", "venue", "", "address", "",
		    "video", "", "purpose", "", "seats", "", NULL);
	expect(&r, 303, "editing meeting #3 of the series");
	CHECK(count_titled("Monthly call") == 7 &&
		      count_titled("Monthly call (holiday edition)") == 1,
	      "editing one meeting changed others");
	CHECK(sql_int(&srv, "SELECT sum(sequence) FROM meetings WHERE series_id = %lld",
		      (long long)series) == 1, "other meetings' sequence changed");
}

TEST(weekly_series_and_limit)
{
	Reply r = post_as(&fac, "/communities/cop-a/meetings", "title", "Weekly huddle", "number",
			  "5", "date", "2030-03-04", "start", "08:00", "end", "08:30", "format",
			  "virtual", "venue", "", "address", "", "video", "", "purpose", "", "seats",
			  "", "repeat", "weekly", "until", "2030-03-25", NULL);
	expect(&r, 303, "weekly series");
	CHECK(count_titled("Weekly huddle") == 4, "want 4 weekly meetings");
	/* Across the spring clock change (March 9, 2030) the local time stays 8:00. */
	CHECK(sql_int(&srv, "SELECT starts_at FROM meetings WHERE title = 'Weekly huddle' AND "
			    "number = 8") == local(2030, 3, 25, 8, 0), "4th is not 8:00 local");
	CHECK(sql_int(&srv, "SELECT min(number) FROM meetings WHERE title = 'Weekly huddle'") == 5,
	      "numbering does not start at 5");
	r = post_as(&fac, "/communities/cop-a/meetings", "title", "Too many", "number", "", "date",
		    "2030-01-01", "start", "08:00", "end", "08:30", "format", "virtual", "venue", "",
		    "address", "", "video", "", "purpose", "", "seats", "", "repeat", "weekly",
		    "until", "2032-01-01", NULL);
	CHECK(r.status == 422 && body_has(&r, "f-until-error"), "over 60: status %ld", r.status);
	reply_free(&r);
	r = post_as(&fac, "/communities/cop-a/meetings", "title", "Too many", "number", "", "date",
		    "2030-01-01", "start", "08:00", "end", "08:30", "format", "virtual", "venue", "",
		    "address", "", "video", "", "purpose", "", "seats", "", "repeat", "monthly",
		    "until", "", NULL);
	CHECK(r.status == 422 && body_has(&r, "f-until-error"), "no last date: status %ld",
	      r.status);
	reply_free(&r);
	CHECK(count_titled("Too many") == 0, "a refused series was stored");
}

/* ---- agenda ---- */

static void add_item(Person *p, const char *base, const char *title, const char *start,
		     const char *room, const char *presenters)
{
	Reply r = post_as(p, pathf("%s/agenda", base), "title", title, "kind", "problem_of_practice",
			  "start", start, "minutes", "30", "presenters", presenters, "room", room,
			  "notes", "", NULL);
	CHECK(r.status == 303 && strstr(reply_location(&r), "notice=agenda-added"),
	      "adding %s: status %ld Location %s", title, r.status, reply_location(&r));
	reply_free(&r);
}

/* The agenda titles in position order, joined with commas (heap). */
static char *agenda_order(int64_t meeting)
{
	char *s = sql_text(&srv, "SELECT group_concat(title, ',') FROM (SELECT title FROM "
				 "agenda_items WHERE meeting_id = %lld ORDER BY position)",
			   (long long)meeting);
	return s ? s : strdup("");
}

static void check_order(int64_t meeting, const char *want)
{
	char *got = agenda_order(meeting);
	CHECK(!strcmp(got, want), "agenda order %s, want %s", got, want);
	free(got);
}

static int64_t item_id(int64_t meeting, const char *title)
{
	return sql_int(&srv, "SELECT id FROM agenda_items WHERE meeting_id = %lld AND title = '%s'",
		       (long long)meeting, title);
}

TEST(agenda_add_move_delete)
{
	int64_t id = make_meeting("Agenda meeting", "2030-10-22");
	char base[128];
	snprintf(base, sizeof base, "/communities/cop-a/meetings/%lld", (long long)id);
	add_item(&fac, base, "Welcome", "08:30", "", "");
	add_item(&fac, base, "Problem of practice", "09:00", "Superintendents: Room A", "");
	add_item(&fac, base, "Wellness break", "", "", "");
	check_order(id, "Welcome,Problem of practice,Wellness break");
	CHECK(sql_int(&srv, "SELECT starts_at FROM agenda_items WHERE id = %lld",
		      (long long)item_id(id, "Problem of practice")) == local(2030, 10, 22, 9, 0),
	      "item clock time is not 9:00 local on the meeting's date");
	CHECK(sql_int(&srv, "SELECT starts_at IS NULL FROM agenda_items WHERE id = %lld",
		      (long long)item_id(id, "Wellness break")) == 1, "empty time not NULL");
	Reply r = post_as(&fac, pathf("%s/agenda/%lld/up", base,
				      (long long)item_id(id, "Wellness break")), NULL);
	expect(&r, 303, "moving up");
	check_order(id, "Welcome,Wellness break,Problem of practice");
	r = post_as(&fac, pathf("%s/agenda/%lld/up", base, (long long)item_id(id, "Welcome")), NULL);
	expect(&r, 303, "moving the first item up");
	check_order(id, "Welcome,Wellness break,Problem of practice");
	r = post_as(&fac, pathf("%s/agenda/%lld/down", base, (long long)item_id(id, "Welcome")),
		    NULL);
	expect(&r, 303, "moving down");
	check_order(id, "Wellness break,Welcome,Problem of practice");
	r = client_get(part.c, pathf("/meetings/%lld", (long long)id));
	const char *a = strstr(r.body, "agenda-title\">Wellness break<"),
		   *b = strstr(r.body, "agenda-title\">Welcome<"),
		   *c = strstr(r.body, "agenda-title\">Problem of practice<");
	CHECK(a && b && c && a < b && b < c, "the page does not show the agenda in order");
	CHECK(body_has(&r, "Superintendents: Room A") && body_has(&r, "9:00 AM"),
	      "room or time missing");
	CHECK(!body_has(&r, "/agenda/"), "a participant sees agenda buttons");
	reply_free(&r);
	r = post_as(&fac, pathf("%s/agenda/%lld/delete", base, (long long)item_id(id, "Welcome")),
		    NULL);
	expect(&r, 303, "deleting");
	check_order(id, "Wellness break,Problem of practice");
	/* An item of another meeting, or a bad item. */
	int64_t other = make_meeting("Other agenda meeting", "2030-10-29");
	r = post_as(&fac, pathf("/communities/cop-a/meetings/%lld/agenda/%lld/delete",
				(long long)other, (long long)item_id(id, "Wellness break")), NULL);
	expect(&r, 404, "deleting another meeting's item");
	r = post_as(&fac, pathf("%s/agenda", base), "title", "", "kind", "nonsense", "start", "9am",
		    "minutes", "-5", "presenters", "", "room", "", "notes", "", NULL);
	CHECK(r.status == 422 && body_has(&r, "f-title-error") && body_has(&r, "f-start-error") &&
		      body_has(&r, "f-minutes-error"), "bad item: status %ld", r.status);
	reply_free(&r);
	check_order(id, "Wellness break,Problem of practice");
	CHECK(sql_int(&srv, "SELECT sequence FROM meetings WHERE id = %lld", (long long)id) >= 5,
	      "agenda changes did not bump the sequence");
}

TEST(printable_agenda_and_sign_in_sheet)
{
	int64_t id = make_meeting("Printable meeting", "2030-10-23");
	char base[128];
	snprintf(base, sizeof base, "/communities/cop-a/meetings/%lld", (long long)id);
	add_item(&fac, base, "Teams come together", "10:30", "Main hall", "David Ruff");
	Reply r = client_get(mem.c, pathf("/meetings/%lld/agenda", (long long)id));
	CHECK(r.status == 200 && body_has(&r, "Teams come together") && body_has(&r, "Main hall") &&
		      body_has(&r, "David Ruff") && body_has(&r, "10:30 AM") &&
		      body_has(&r, "class=\"printable\"") && body_has(&r, "Fiona Facil"),
	      "printable agenda: status %ld", r.status);
	reply_free(&r);
	/* No RSVPs yet: the community's participants. */
	r = client_get(fac.c, pathf("%s/sign-in-sheet", base));
	CHECK(r.status == 200 && body_has(&r, "Mia Participant") && body_has(&r, SCHOOL_A) &&
		      body_has(&r, "Signature"), "sign-in sheet: status %ld", r.status);
	CHECK(count_of(r.body, "<td class=\"signature\">") == 1 + 10,
	      "want 1 name and 10 walk-in rows, got %d rows",
	      count_of(r.body, "<td class=\"signature\">"));
	reply_free(&r);
	/* With RSVPs: those going only. */
	CHECK(sql_exec(&srv, "INSERT INTO rsvps (meeting_id, user_id, answer, answered_at) VALUES "
			     "(%lld, %lld, 'going', 0), (%lld, %lld, 'not_going', 0)",
		       (long long)id, (long long)mem.id, (long long)id, (long long)part.id),
	      "could not insert RSVPs");
	r = client_get(admin.c, pathf("%s/sign-in-sheet", base));
	CHECK(r.status == 200 && body_has(&r, "Noah Member") && body_has(&r, SCHOOL_B) &&
		      !body_has(&r, "Mia Participant"), "sign-in sheet from RSVPs: status %ld",
	      r.status);
	reply_free(&r);
}

TEST(community_home_and_directory_show_meetings)
{
	make_meeting("Home page meeting", "2029-06-05");
	Reply r = client_get(mem.c, "/communities/cop-a");
	CHECK(r.status == 200 && body_has(&r, "Upcoming meetings") &&
		      body_has(&r, "Home page meeting"), "community home: status %ld", r.status);
	reply_free(&r);
	r = client_get(mem.c, "/communities");
	CHECK(body_has(&r, "Next meeting: Tuesday, June 5, 2029"), "directory card has no next "
								  "meeting");
	reply_free(&r);
	r = client_get(mem.c, "/communities/cop-b");
	CHECK(!body_has(&r, "Home page meeting"), "another community lists the meeting");
	reply_free(&r);
}

/* ---- who may ---- */

TEST(community_routes_authorization)
{
	int64_t id = make_meeting("Authz meeting", "2030-09-10");
	int64_t item = 0;
	add_item(&fac, pathf("/communities/cop-a/meetings/%lld", (long long)id), "Authz item", "",
		 "", "");
	item = item_id(id, "Authz item");
	Person *refused[] = {&part, &mem, &fac2};
	for (size_t i = 0; i < 3; i++) {
		Person *p = refused[i];
		get_expect(p, "/communities/cop-a/meetings/new", 403);
		get_expect(p, pathf("/communities/cop-a/meetings/%lld/edit", (long long)id), 403);
		get_expect(p, pathf("/communities/cop-a/meetings/%lld/sign-in-sheet", (long long)id),
			   403);
		Reply r = post_meeting(p, "/communities/cop-a/meetings", "Refused meeting",
				       "2030-10-15", "15:00", "16:30", "");
		expect(&r, 403, "create");
		r = post_meeting(p, pathf("/communities/cop-a/meetings/%lld/edit", (long long)id),
				 "Refused meeting", "2030-10-15", "15:00", "16:30", "");
		expect(&r, 403, "edit");
		r = post_as(p, pathf("/communities/cop-a/meetings/%lld/cancel", (long long)id), NULL);
		expect(&r, 403, "cancel");
		r = post_as(p, pathf("/communities/cop-a/meetings/%lld/agenda", (long long)id), "title",
			    "Refused item", "kind", "other", NULL);
		expect(&r, 403, "agenda add");
		r = post_as(p, pathf("/communities/cop-a/meetings/%lld/agenda/%lld/delete",
				     (long long)id, (long long)item), NULL);
		expect(&r, 403, "agenda delete");
		r = post_as(p, pathf("/communities/cop-a/meetings/%lld/agenda/%lld/up",
				     (long long)id, (long long)item), NULL);
		expect(&r, 403, "agenda up");
		/* Everyone may see the meeting, its list and its agenda. */
		get_expect(p, pathf("/meetings/%lld", (long long)id), 200);
		get_expect(p, pathf("/meetings/%lld/agenda", (long long)id), 200);
		get_expect(p, "/communities/cop-a/meetings", 200);
	}
	CHECK(count_titled("Refused meeting") == 0 && count_titled("Authz meeting") == 1,
	      "a refused request changed meetings");
	CHECK(sql_int(&srv, "SELECT status FROM meetings WHERE id = %lld", (long long)id) !=
		      SQL_NO_ROW, "meeting gone");
	CHECK(item_id(id, "Authz item") == item && item_id(id, "Refused item") == SQL_NO_ROW,
	      "a refused request changed the agenda");
	/* The facilitator and admin may. */
	get_expect(&fac, "/communities/cop-a/meetings/new", 200);
	get_expect(&admin, "/communities/cop-a/meetings/new", 200);
	get_expect(&admin, pathf("/communities/cop-a/meetings/%lld/edit", (long long)id), 200);
	Reply r = post_meeting(&admin, "/communities/cop-a/meetings", "Admin-made meeting",
			       "2030-10-15", "15:00", "16:30", "");
	expect(&r, 303, "admin creates in a community");
	/* The meeting under another community's slug: 404, even for that community's facilitator. */
	get_expect(&fac2, pathf("/communities/cop-b/meetings/%lld/edit", (long long)id), 404);
	get_expect(&admin, pathf("/communities/cop-b/meetings/%lld/edit", (long long)id), 404);
	get_expect(&fac2, pathf("/communities/cop-b/meetings/%lld/sign-in-sheet", (long long)id),
		   404);
	r = post_as(&fac2, pathf("/communities/cop-b/meetings/%lld/cancel", (long long)id), NULL);
	expect(&r, 404, "cancel under the wrong slug");
	r = post_as(&fac2, pathf("/communities/cop-b/meetings/%lld/agenda/%lld/delete",
				 (long long)id, (long long)item), NULL);
	expect(&r, 404, "agenda delete under the wrong slug");
	CHECK(sql_int(&srv, "SELECT status = 'scheduled' FROM meetings WHERE id = %lld",
		      (long long)id) == 1, "cancelled through the wrong slug");
	get_expect(&part, "/meetings/999999", 404);
}

TEST(association_wide_meetings_admin_only)
{
	Person *refused[] = {&fac, &part, &mem};
	for (size_t i = 0; i < 3; i++) {
		get_expect(refused[i], "/admin/meetings/new", 403);
		Reply r = post_meeting(refused[i], "/admin/meetings", "Refused kick-off", "2030-09-01",
				       "09:00", "12:00", "");
		expect(&r, 403, "association-wide create");
	}
	get_expect(&admin, "/admin/meetings/new", 200);
	Reply r = post_meeting(&admin, "/admin/meetings", "All-groups kick-off", "2030-09-03",
			       "09:00", "12:00", "");
	int64_t id = redirect_id(&r);
	expect(&r, 303, "admin creates association-wide");
	CHECK(id && sql_int(&srv, "SELECT community_id IS NULL FROM meetings WHERE id = %lld",
			    (long long)id) == 1, "not association-wide");
	get_expect(&mem, pathf("/meetings/%lld", (long long)id), 200);
	get_expect(&admin, pathf("/admin/meetings/%lld/edit", (long long)id), 200);
	get_expect(&admin, pathf("/admin/meetings/%lld/sign-in-sheet", (long long)id), 200);
	get_expect(&fac, pathf("/admin/meetings/%lld/edit", (long long)id), 403);
	add_item(&admin, pathf("/admin/meetings/%lld", (long long)id), "Opening keynote", "09:00",
		 "Auditorium", "");
	r = post_as(&fac, pathf("/admin/meetings/%lld/cancel", (long long)id), NULL);
	expect(&r, 403, "facilitator cancels association-wide");
	r = post_as(&admin, pathf("/admin/meetings/%lld/cancel", (long long)id), NULL);
	expect(&r, 303, "admin cancels association-wide");
	/* A community meeting under /admin/meetings, and an association-wide one under a slug. */
	int64_t community_meeting = make_meeting("Community-only meeting", "2030-09-17");
	get_expect(&admin, pathf("/admin/meetings/%lld/edit", (long long)community_meeting), 404);
	r = post_as(&admin, pathf("/admin/meetings/%lld/cancel", (long long)community_meeting), NULL);
	expect(&r, 404, "community meeting cancelled via /admin");
	get_expect(&admin, pathf("/communities/cop-a/meetings/%lld/edit", (long long)id), 404);
	CHECK(count_titled("Refused kick-off") == 0, "a refused kick-off was stored");
}

TEST(titles_and_presenters_escaped)
{
	Reply r = post_meeting(&fac, "/communities/cop-a/meetings", "<script>alert(1)</script>",
			       "2030-10-16", "15:00", "16:30", "https://x.example/?a=1&b=\"2\"");
	CHECK(r.status == 422, "a video link with a quote was accepted: %ld", r.status);
	CHECK(!body_has(&r, "<script>alert(1)</script>") &&
		      body_has(&r, "&lt;script&gt;alert(1)&lt;/script&gt;"),
	      "the 422 form does not escape the title");
	reply_free(&r);
	int64_t id = make_meeting("<script>alert(1)</script>", "2030-10-16");
	add_item(&fac, pathf("/communities/cop-a/meetings/%lld", (long long)id), "<img src=x>",
		 "", "<i>Room</i>", "<b>Dr. O'Neil & co</b>");
	const char *pages[] = {pathf("/meetings/%lld", (long long)id),
			       pathf("/meetings/%lld/agenda", (long long)id),
			       pathf("/communities/cop-a/meetings/%lld/sign-in-sheet", (long long)id),
			       "/communities/cop-a/meetings"};
	for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
		r = client_get(fac.c, pages[i]);
		CHECK(r.status == 200, "%s: status %ld", pages[i], r.status);
		CHECK(!body_has(&r, "<script>alert") && body_has(&r, "&lt;script&gt;"),
		      "%s: title not escaped", pages[i]);
		CHECK(!body_has(&r, "<img src=x>") && !body_has(&r, "<b>Dr.") &&
			      !body_has(&r, "<i>Room"), "%s: agenda markup not escaped", pages[i]);
		reply_free(&r);
	}
	r = client_get(fac.c, pathf("/meetings/%lld", (long long)id));
	CHECK(body_has(&r, "&lt;b&gt;Dr. O&#39;Neil &amp; co&lt;/b&gt;") ||
		      body_has(&r, "&lt;b&gt;Dr. O&#x27;Neil &amp; co&lt;/b&gt;"),
	      "presenters not shown escaped");
	reply_free(&r);
}

/* A private community's meeting shows outsiders when it happens, never its video link,
 * purpose or calendar file; its participants see everything. */
TEST(private_community_meeting_details_for_its_people)
{
	int64_t id = make_meeting("Private huddle", "2031-03-04");
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'private' WHERE id = %lld",
		       (long long)cop_a), "make cop-a private");
	const char *page = pathf("/meetings/%lld", (long long)id);
	Reply r = client_get(mem.c, page);
	CHECK(r.status == 200 && body_has(&r, "Private huddle") && body_has(&r, "private community") &&
		      !body_has(&r, "meet.example.org") && !body_has(&r, "Building"),
	      "an outsider sees only that it happens: %ld %.800s", r.status, r.body);
	reply_free(&r);
	get_expect(&mem, pathf("/meetings/%lld/ics", (long long)id), 404);
	r = client_get(part.c, page);
	CHECK(r.status == 200 && body_has(&r, "meet.example.org") && body_has(&r, "Building"),
	      "a participant sees the details: %ld", r.status);
	reply_free(&r);
	get_expect(&part, pathf("/meetings/%lld/ics", (long long)id), 200);
	CHECK(sql_exec(&srv, "UPDATE communities SET visibility = 'open' WHERE id = %lld",
		       (long long)cop_a), "open cop-a again");
	get_expect(&mem, pathf("/meetings/%lld/ics", (long long)id), 200);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), NULL);
}

/* ---- setup ---- */

static bool make_community(const char *slug, int64_t *id, const Person *facilitator)
{
	Reply r = post_as(&admin, "/admin/communities", "name", slug, "slug", slug, "kind",
			  "cohort", "status", "open", "year", "", "audience", "Superintendents",
			  "description", "", "seats", "", "opens", "", "soft", "", "closes", "",
			  "commitment", "", NULL);
	bool ok = r.status == 303;
	reply_free(&r);
	r = post_as(&admin, pathf("/communities/%s/facilitators", slug), "email", facilitator->email,
		    "guest_name", "", "guest_org", "", "role", "facilitator", NULL);
	ok = ok && r.status == 303;
	reply_free(&r);
	*id = sql_int(&srv, "SELECT id FROM communities WHERE slug = '%s'", slug);
	return ok && *id != SQL_NO_ROW;
}

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL_A, "active") ||
	    !add_school(&srv, SCHOOL_B, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), NULL) || !server_start(&srv) ||
	    !people_sign_in(&srv, people, COUNT_OF(people), "/home"))
		return false;
	return make_community("cop-a", &cop_a, &fac) && make_community("cop-b", &cop_b, &fac2) &&
	       sql_exec(&srv, "INSERT INTO memberships (community_id, user_id, status, "
			      "signed_up_at) VALUES (%lld, %lld, 'participant', 0)",
			(long long)cop_a, (long long)part.id);
}

SUITE_MAIN(setup, &srv, people, create_meeting_stores_utc_and_shows_local_time,
	create_validation_errors_422_no_row, edit_bumps_sequence_and_keeps_uid,
	cancel_keeps_meeting_visible, cancelled_meeting_put_back_on_schedule,
	monthly_series_by_weekday, weekly_series_and_limit, agenda_add_move_delete,
	printable_agenda_and_sign_in_sheet, community_home_and_directory_show_meetings,
	community_routes_authorization, association_wide_meetings_admin_only,
	titles_and_presenters_escaped, private_community_meeting_details_for_its_people,
	stops_cleanly)
