/* Meeting attendance against a real server: RSVPs and the seat limit, the facilitator's
 * checklist, members signing in with the meeting's code inside its window, the code page's QR
 * code, the attendance reports and CSV, PD hours and the certificate, and who may call what.
 *
 * One server for the suite; the people sign in once in setup(). Communities, memberships and
 * meetings are written straight into the database, each test with its own meetings. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HTTP_SUPPORT_EMBEDDED /* see http_support.c */
#include "http_support.c"
#include "test.h"

#define SCHOOL_A "Northfield Academy"
#define SCHOOL_B "Harbor School"
#define CODE "QX7P2M"

static Server srv;
static int64_t comm_a, comm_b, comm_r; /* att-a, att-b (outsider's), att-r (reports) */

static Person admin = {ADMIN_EMAIL, ADMIN_NAME};
static Person fac = {"fiona@northfield.org", "Fiona Facil", SCHOOL_A};
static Person p1 = {"mia@northfield.org", "Mia One", SCHOOL_A};
static Person p2 = {"noah@harbor.org", "Noah Two", SCHOOL_B};
static Person pd = {"paula@harbor.org", "Paula Hours", SCHOOL_B};
static Person out = {"otto@harbor.org", "Otto Outsider", SCHOOL_B};
static Person mem = {"mo@northfield.org", "Mo Member", SCHOOL_A};

static Person *const people[] = {&admin, &fac, &p1, &p2, &pd, &out, &mem};

/* ---- helpers ---- */

static const char *ID(int64_t id)
{
	return pathf("%lld", (long long)id);
}

/* Inserts a meeting (community 0: association-wide) and returns its id. */
static int64_t add_meeting(int64_t community, const char *title, int64_t starts, int64_t ends,
			   int seats, const char *status)
{
	static int uid;
	char comm[32] = "NULL", seat[32] = "NULL";
	if (community)
		snprintf(comm, sizeof comm, "%lld", (long long)community);
	if (seats)
		snprintf(seat, sizeof seat, "%d", seats);
	CHECK(sql_exec(&srv, "INSERT INTO meetings (community_id, title, starts_at, ends_at, format, "
			     "signin_code, uid, created_at, updated_at, seat_limit, status) VALUES "
			     "(%s, '%s', %lld, %lld, 'virtual', '%s', 'att-%d@test', 0, 0, %s, '%s')",
		       comm, title, (long long)starts, (long long)ends, CODE, ++uid, seat, status),
	      "inserting meeting %s", title);
	return sql_int(&srv, "SELECT max(id) FROM meetings");
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

/* A meeting of community att-a happening now (started 10 minutes ago, ends in an hour). */
static int64_t meeting_now(const char *title)
{
	return add_meeting(comm_a, title, now_s() - 600, now_s() + 3600, 0, "scheduled");
}

static char *answer_of(int64_t meeting, const Person *p)
{
	char *s = sql_text(&srv, "SELECT answer FROM rsvps WHERE meeting_id = %lld AND user_id = %lld",
			   (long long)meeting, (long long)p->id);
	return s ? s : strdup("none");
}

static char *method_of(int64_t meeting, const Person *p)
{
	char *s = sql_text(&srv, "SELECT method FROM attendance WHERE meeting_id = %lld AND "
				 "user_id = %lld", (long long)meeting, (long long)p->id);
	return s ? s : strdup("none");
}

static void expect_answer(int64_t meeting, const Person *p, const char *want)
{
	char *got = answer_of(meeting, p);
	CHECK(!strcmp(got, want), "%s's RSVP is %s, want %s", p->name, got, want);
	free(got);
}

static void expect_method(int64_t meeting, const Person *p, const char *want)
{
	char *got = method_of(meeting, p);
	CHECK(!strcmp(got, want), "%s's attendance is %s, want %s", p->name, got, want);
	free(got);
}

static void expect(Reply *r, long status, const char *who, const char *what)
{
	CHECK(r->status == status, "%s: %s gave %ld (Location %s), want %ld", who, what, r->status,
	      reply_location(r), status);
	reply_free(r);
}

static void get_expect(Person *p, const char *path, long status)
{
	Reply r = client_get(p->c, path);
	expect(&r, status, p->name, path);
}

static Reply rsvp(Person *p, int64_t meeting, const char *answer)
{
	return post_as(p, pathf("/communities/att-a/meetings/%lld/rsvp", (long long)meeting), "answer",
		       answer, NULL);
}

static Reply sign_in_code(Person *p, int64_t meeting, const char *code)
{
	return post_as(p, pathf("/communities/att-a/meetings/%lld/sign-in", (long long)meeting), "code",
		       code, NULL);
}

/* The text from the first occurrence of start to the next "</tr>" (heap), or NULL. */
static char *row_of(const char *html, const char *start)
{
	const char *p = html ? strstr(html, start) : NULL;
	if (!p)
		return NULL;
	const char *e = strstr(p, "</tr>");
	return e ? strndup(p, (size_t)(e - p)) : strdup(p);
}

static void expect_row(const char *html, const char *start, const char *cells)
{
	char *row = row_of(html, start);
	CHECK(row && strstr(row, cells), "row \"%s\": want \"%s\" in %s", start, cells,
	      row ? row : "(missing)");
	free(row);
}

/* The Unix time of a local (server time zone) date and time. */
static int64_t local(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
			.tm_min = mi, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

/* ---- RSVP ---- */

TEST(rsvp_going_not_going_and_changing)
{
	int64_t m = add_meeting(comm_a, "RSVP one", now_s() + 86400, now_s() + 90000, 0, "scheduled");
	Reply r = rsvp(&p1, m, "going");
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=rsvp-going", (long long)m)),
	      "going: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	expect_answer(m, &p1, "going");
	r = rsvp(&p1, m, "not_going");
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=rsvp-not-going", (long long)m)),
	      "not going: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	expect_answer(m, &p1, "not_going");
	r = rsvp(&p1, m, "going");
	expect(&r, 303, p1.name, "going again");
	expect_answer(m, &p1, "going");
	r = rsvp(&p1, m, "maybe");
	expect(&r, 422, p1.name, "answer=maybe");
	expect_answer(m, &p1, "going");
	CHECK(sql_int(&srv, "SELECT count(*) FROM rsvps WHERE meeting_id = %lld", (long long)m) == 1,
	      "changing an answer added rows");
}

TEST(rsvp_seat_limit)
{
	int64_t m = add_meeting(comm_a, "One seat", now_s() + 86400, now_s() + 90000, 1, "scheduled");
	Reply r = rsvp(&p1, m, "going");
	expect(&r, 303, p1.name, "first going");
	r = rsvp(&p2, m, "going");
	CHECK(r.status == 409 && body_has(&r, "full"), "second going: %ld", r.status);
	reply_free(&r);
	expect_answer(m, &p2, "none");
	r = rsvp(&p2, m, "not_going");
	expect(&r, 303, p2.name, "not going when full");
	expect_answer(m, &p2, "not_going");
	r = rsvp(&p1, m, "going");
	expect(&r, 303, p1.name, "going again in one's own seat");
	r = rsvp(&p1, m, "not_going");
	expect(&r, 303, p1.name, "giving the seat up");
	r = rsvp(&p2, m, "going");
	expect(&r, 303, p2.name, "taking the freed seat");
	expect_answer(m, &p2, "going");
}

TEST(rsvp_refused_negative)
{
	int64_t m = add_meeting(comm_a, "Closed RSVP", now_s() + 86400, now_s() + 90000, 0,
				"scheduled");
	Reply r = rsvp(&out, m, "going");
	expect(&r, 403, out.name, "RSVP to another community's meeting");
	r = rsvp(&mem, m, "going");
	expect(&r, 403, mem.name, "RSVP without being a participant");
	expect_answer(m, &out, "none");
	expect_answer(m, &mem, "none");
	int64_t gone = add_meeting(comm_a, "Cancelled RSVP", now_s() + 86400, now_s() + 90000, 0,
				   "cancelled");
	r = rsvp(&p1, gone, "going");
	expect(&r, 409, p1.name, "RSVP to a cancelled meeting");
	expect_answer(gone, &p1, "none");
	r = post_as(&p1, pathf("/communities/att-b/meetings/%lld/rsvp", (long long)m), "answer",
		    "going", NULL);
	CHECK(r.status == 403 || r.status == 404, "wrong community in the path: %ld", r.status);
	reply_free(&r);
	r = client_post(p1.c, pathf("/communities/att-a/meetings/%lld/rsvp", (long long)m),
			"answer=going");
	CHECK(r.status == 403 || r.status == 400, "RSVP without csrf: %ld", r.status);
	reply_free(&r);
}

TEST(rsvp_association_wide)
{
	int64_t wide = add_meeting(0, "Kick-off", now_s() + 86400, now_s() + 90000, 0, "scheduled");
	int64_t local_m = add_meeting(comm_a, "Community only", now_s() + 86400, now_s() + 90000, 0,
				      "scheduled");
	Reply r = post_as(&mem, pathf("/meetings/%lld/rsvp", (long long)wide), "answer", "going", NULL);
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=rsvp-going", (long long)wide)),
	      "wide RSVP: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	expect_answer(wide, &mem, "going");
	r = post_as(&out, pathf("/meetings/%lld/rsvp", (long long)wide), "answer", "not_going", NULL);
	expect(&r, 303, out.name, "wide RSVP");
	expect_answer(wide, &out, "not_going");
	r = post_as(&p1, pathf("/meetings/%lld/rsvp", (long long)local_m), "answer", "going", NULL);
	expect(&r, 404, p1.name, "the wide route for a community meeting");
	expect_answer(local_m, &p1, "none");
}

/* ---- the checklist ---- */

TEST(checklist_marks_attendance)
{
	int64_t m = add_meeting(comm_a, "Checklist", now_s() - 7200, now_s() - 3600, 0, "scheduled");
	char path[256];
	snprintf(path, sizeof path, "/communities/att-a/meetings/%lld/attendance", (long long)m);
	Reply r = client_get(fac.c, path);
	CHECK(r.status == 200, "checklist page: %ld", r.status);
	CHECK(body_has(&r, "Mia One") && body_has(&r, "Noah Two"), "participants not listed");
	CHECK(body_has(&r, pathf("name=\"attended\" value=\"%lld\"", (long long)p1.id)),
	      "no checkbox for Mia");
	CHECK(!body_has(&r, "Otto Outsider"), "another community's participant listed");
	reply_free(&r);
	r = post_as(&fac, path, "listed", ID(p1.id), "listed", ID(p2.id), "attended", ID(p1.id),
		    "attended", ID(p2.id), NULL);
	CHECK(reply_is(&r, 303, pathf("%s?notice=attendance-saved", path)), "save: %ld %s", r.status,
	      reply_location(&r));
	reply_free(&r);
	expect_method(m, &p1, "checklist");
	expect_method(m, &p2, "checklist");
	CHECK(sql_int(&srv, "SELECT count(*) FROM attendance WHERE meeting_id = %lld AND "
			    "marked_by = %lld", (long long)m, (long long)fac.id) == 2,
	      "marked_by is not the facilitator");
	/* Unticking Noah on a page shown after his mark removes it. */
	r = post_as(&fac, path, "as_of", ID(now_s() + 5), "listed", ID(p1.id), "listed", ID(p2.id),
		    "attended", ID(p1.id), NULL);
	expect(&r, 303, fac.name, "untick");
	expect_method(m, &p1, "checklist");
	expect_method(m, &p2, "none");
	/* Someone not on the list: 422, nothing changes. */
	r = post_as(&fac, path, "listed", ID(p1.id), "attended", ID(mem.id), NULL);
	CHECK(r.status == 422 && body_has(&r, "not on this meeting"), "unknown person: %ld",
	      r.status);
	reply_free(&r);
	expect_method(m, &mem, "none");
	expect_method(m, &p1, "checklist");
	/* The admin may use it too; the admin route is for association-wide meetings only. */
	get_expect(&admin, path, 200);
	get_expect(&admin, pathf("/admin/meetings/%lld/attendance", (long long)m), 404);
}

TEST(checklist_keeps_sign_in_after_page_was_shown)
{
	int64_t m = meeting_now("Stale checklist");
	char path[256];
	snprintf(path, sizeof path, "/communities/att-a/meetings/%lld/attendance", (long long)m);
	Reply r = sign_in_code(&p2, m, CODE);
	expect(&r, 303, p2.name, "code sign-in");
	/* A checklist shown before Noah signed in, saved without him ticked. */
	r = post_as(&fac, path, "as_of", ID(now_s() - 60), "listed", ID(p1.id), "listed", ID(p2.id),
		    "attended", ID(p1.id), NULL);
	expect(&r, 303, fac.name, "stale save");
	expect_method(m, &p2, "code");
	expect_method(m, &p1, "checklist");
}

TEST(checklist_association_wide_by_admin)
{
	int64_t wide = add_meeting(0, "Wide checklist", now_s() - 7200, now_s() - 3600, 0,
				   "scheduled");
	CHECK(sql_exec(&srv, "INSERT INTO rsvps VALUES (%lld, %lld, 'going', 0)", (long long)wide,
		       (long long)mem.id), "rsvp");
	char path[256];
	snprintf(path, sizeof path, "/admin/meetings/%lld/attendance", (long long)wide);
	Reply r = client_get(admin.c, path);
	CHECK(r.status == 200 && body_has(&r, "Mo Member"), "wide checklist: %ld", r.status);
	reply_free(&r);
	r = post_as(&admin, path, "listed", ID(mem.id), "attended", ID(mem.id), NULL);
	expect(&r, 303, admin.name, "wide checklist save");
	expect_method(wide, &mem, "checklist");
	get_expect(&fac, path, 403);
	get_expect(&mem, path, 403);
}

TEST(checklist_refused_negative)
{
	int64_t m = add_meeting(comm_a, "Checklist authz", now_s() - 7200, now_s() - 3600, 0,
				"scheduled");
	char path[256];
	snprintf(path, sizeof path, "/communities/att-a/meetings/%lld/attendance", (long long)m);
	get_expect(&p1, path, 403);
	get_expect(&out, path, 403);
	get_expect(&mem, path, 403);
	Reply r = post_as(&p1, path, "listed", ID(p1.id), "attended", ID(p1.id), NULL);
	expect(&r, 403, p1.name, "participant saving the checklist");
	expect_method(m, &p1, "none");
	int64_t later = add_meeting(comm_a, "Not yet", now_s() + 86400, now_s() + 90000, 0,
				    "scheduled");
	r = post_as(&fac, pathf("/communities/att-a/meetings/%lld/attendance", (long long)later),
		    "listed", ID(p1.id), "attended", ID(p1.id), NULL);
	expect(&r, 409, fac.name, "checklist before the meeting");
	expect_method(later, &p1, "none");
}

/* ---- signing in with the code ---- */

TEST(code_sign_in_inside_window)
{
	int64_t m = meeting_now("Sign in now");
	char path[256];
	snprintf(path, sizeof path, "/communities/att-a/meetings/%lld/sign-in", (long long)m);
	Reply r = client_get(p1.c, pathf("%s?code=qx7p2m", path));
	CHECK(r.status == 200, "sign-in page: %ld", r.status);
	CHECK(body_has(&r, "value=\"qx7p2m\""), "code not prefilled from ?code=");
	CHECK(body_has(&r, "<label for=\"f-code\">"), "code field without a label");
	reply_free(&r);
	expect_method(m, &p1, "none"); /* a GET writes nothing */
	r = sign_in_code(&p1, m, " qx7p2m ");
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=meeting-signed-in", (long long)m)),
	      "sign in: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	expect_method(m, &p1, "code");
	r = sign_in_code(&p1, m, CODE);
	expect(&r, 303, p1.name, "signing in twice");
	CHECK(sql_int(&srv, "SELECT count(*) FROM attendance WHERE meeting_id = %lld",
		      (long long)m) == 1, "signing in twice added a row");
	r = client_get(p1.c, path);
	CHECK(body_has(&r, "You are signed in to this meeting"), "page does not say signed in");
	reply_free(&r);
}

TEST(code_sign_in_wrong_code)
{
	int64_t m = meeting_now("Wrong code");
	Reply r = sign_in_code(&p2, m, "QX7P2N");
	CHECK(r.status == 422 && body_has(&r, "not this meeting") && body_has(&r, "value=\"QX7P2N\""),
	      "wrong code: %ld", r.status);
	reply_free(&r);
	r = sign_in_code(&p2, m, "");
	expect(&r, 422, p2.name, "empty code");
	r = sign_in_code(&p2, m, "QX7P2MM");
	expect(&r, 422, p2.name, "longer code");
	expect_method(m, &p2, "none");
}

TEST(code_sign_in_outside_window)
{
	int64_t early = add_meeting(comm_a, "Later today", now_s() + 7200, now_s() + 10800, 0,
				    "scheduled");
	int64_t over = add_meeting(comm_a, "This morning", now_s() - 10800, now_s() - 7200, 0,
				   "scheduled");
	int64_t gone = add_meeting(comm_a, "Cancelled now", now_s() - 600, now_s() + 3600, 0,
				   "cancelled");
	int64_t grace = add_meeting(comm_a, "In twenty minutes", now_s() + 1200, now_s() + 4800, 0,
				    "scheduled");
	Reply r = sign_in_code(&p1, early, CODE);
	CHECK(r.status == 409 && body_has(&r, "not opened yet"), "before the window: %ld", r.status);
	reply_free(&r);
	r = sign_in_code(&p1, over, CODE);
	CHECK(r.status == 409 && body_has(&r, "ended"), "after the meeting: %ld", r.status);
	reply_free(&r);
	r = sign_in_code(&p1, gone, CODE);
	expect(&r, 409, p1.name, "cancelled meeting");
	expect_method(early, &p1, "none");
	expect_method(over, &p1, "none");
	expect_method(gone, &p1, "none");
	r = sign_in_code(&p1, grace, CODE);
	expect(&r, 303, p1.name, "20 minutes before the start (inside the 30-minute grace)");
	expect_method(grace, &p1, "code");
}

TEST(code_sign_in_refused_negative)
{
	int64_t m = meeting_now("Sign-in authz");
	char path[256];
	snprintf(path, sizeof path, "/communities/att-a/meetings/%lld/sign-in", (long long)m);
	get_expect(&out, path, 403);
	get_expect(&mem, path, 403);
	Reply r = sign_in_code(&out, m, CODE);
	expect(&r, 403, out.name, "sign-in to another community's meeting");
	expect_method(m, &out, "none");
	get_expect(&mem, pathf("/meetings/%lld/sign-in", (long long)m), 404);
}

TEST(code_sign_in_association_wide)
{
	int64_t wide = add_meeting(0, "Wide now", now_s() - 600, now_s() + 3600, 0, "scheduled");
	get_expect(&mem, pathf("/meetings/%lld/sign-in?code=%s", (long long)wide, CODE), 200);
	expect_method(wide, &mem, "none");
	Reply r = post_as(&mem, pathf("/meetings/%lld/sign-in", (long long)wide), "code", CODE, NULL);
	CHECK(reply_is(&r, 303, pathf("/meetings/%lld?notice=meeting-signed-in", (long long)wide)),
	      "wide sign-in: %ld %s", r.status, reply_location(&r));
	reply_free(&r);
	expect_method(wide, &mem, "code");
}

TEST(code_page_shows_code_and_qr)
{
	int64_t m = meeting_now("QR meeting");
	char path[256];
	snprintf(path, sizeof path, "/communities/att-a/meetings/%lld/code", (long long)m);
	Reply r = client_get(fac.c, path);
	CHECK(r.status == 200, "code page: %ld", r.status);
	CHECK(body_has(&r, "<svg") && body_has(&r, "<path fill=\"#000\" d=\"M"), "no QR code SVG");
	CHECK(body_has(&r, ">" CODE "<"), "code not shown");
	char *url = NULL;
	if (asprintf(&url, "%s/communities/att-a/meetings/%lld/sign-in?code=%s", srv.base,
		     (long long)m, CODE) > 0)
		CHECK(body_has(&r, url), "sign-in URL %s missing", url);
	free(url);
	CHECK(!body_has(&r, "style="), "inline style on the code page");
	reply_free(&r);
	get_expect(&admin, path, 200);
	get_expect(&p1, path, 403);
	get_expect(&out, path, 403);
	get_expect(&admin, pathf("/admin/meetings/%lld/code", (long long)m), 404);
	int64_t wide = add_meeting(0, "Wide QR", now_s() - 600, now_s() + 3600, 0, "scheduled");
	r = client_get(admin.c, pathf("/admin/meetings/%lld/code", (long long)wide));
	CHECK(r.status == 200 && body_has(&r, "<svg") &&
		      body_has(&r, pathf("/meetings/%lld/sign-in?code=%s", (long long)wide, CODE)),
	      "wide code page: %ld", r.status);
	reply_free(&r);
	get_expect(&mem, pathf("/admin/meetings/%lld/code", (long long)wide), 403);
}

/* ---- the meeting page's section ---- */

TEST(meeting_page_section)
{
	int64_t m = add_meeting(comm_a, "Section meeting", now_s() - 600, now_s() + 3600, 3,
				"scheduled");
	Reply r = rsvp(&p2, m, "going");
	expect(&r, 303, p2.name, "going");
	r = client_get(p1.c, pathf("/meetings/%lld", (long long)m));
	CHECK(r.status == 200, "meeting page: %ld", r.status);
	CHECK(body_has(&r, "1 going of 3 seats, 2 left"), "going count / seats missing");
	CHECK(body_has(&r, "I&#39;m going") || body_has(&r, "I'm going"), "no RSVP buttons");
	CHECK(body_has(&r, pathf("/communities/att-a/meetings/%lld/sign-in\"", (long long)m)),
	      "no sign-in link during the meeting");
	CHECK(!body_has(&r, "/code\""), "a participant sees the code page link");
	reply_free(&r);
	r = client_get(fac.c, pathf("/meetings/%lld", (long long)m));
	char base[256];
	snprintf(base, sizeof base, "/communities/att-a/meetings/%lld", (long long)m);
	CHECK(body_has(&r, pathf("%s/attendance\"", base)) && body_has(&r, pathf("%s/code\"", base)) &&
		      body_has(&r, pathf("%s/sign-in-sheet\"", base)),
	      "manager links missing");
	reply_free(&r);
}

/* ---- reports ---- */

static int64_t rep1, rep2;

static void report_setup(void)
{
	if (rep1)
		return;
	rep1 = add_meeting(comm_r, "Report one", now_s() - 20 * 86400, now_s() - 20 * 86400 + 3600,
			   0, "scheduled");
	rep2 = add_meeting(comm_r, "Report two", now_s() - 10 * 86400, now_s() - 10 * 86400 + 3600,
			   0, "scheduled");
	int64_t future = add_meeting(comm_r, "Report future", now_s() + 86400, now_s() + 90000, 0,
				     "scheduled");
	int64_t cancelled = add_meeting(comm_r, "Report cancelled", now_s() - 5 * 86400,
					now_s() - 5 * 86400 + 3600, 0, "cancelled");
	sql_exec(&srv, "INSERT INTO attendance (meeting_id, user_id, method, marked_at) VALUES "
		       "(%lld, %lld, 'checklist', 1), (%lld, %lld, 'code', 1), "
		       "(%lld, %lld, 'checklist', 1), (%lld, %lld, 'checklist', 1), "
		       "(%lld, %lld, 'checklist', 1)",
		 (long long)rep1, (long long)p1.id, (long long)rep1, (long long)p2.id,
		 (long long)rep2, (long long)p1.id, (long long)future, (long long)p2.id,
		 (long long)cancelled, (long long)p2.id);
}

TEST(report_rates)
{
	report_setup();
	Reply r = client_get(fac.c, "/communities/att-r/attendance");
	CHECK(r.status == 200, "report: %ld", r.status);
	expect_row(r.body, "Report one</a>", "<td>2</td><td>2</td><td>100%</td>");
	expect_row(r.body, "Report two</a>", "<td>1</td><td>2</td><td>50%</td>");
	CHECK(!body_has(&r, "Report future") && !body_has(&r, "Report cancelled"),
	      "a future or cancelled meeting counted as held");
	expect_row(r.body, "<th scope=\"row\">Mia One</th>", "<td>2</td><td>2</td><td>100%</td>");
	expect_row(r.body, "<th scope=\"row\">Noah Two</th>", "<td>1</td><td>2</td><td>50%</td>");
	expect_row(r.body, "<th scope=\"row\">" SCHOOL_A "</th>", "<td>2</td><td>2</td><td>100%</td>");
	expect_row(r.body, "<th scope=\"row\">" SCHOOL_B "</th>", "<td>1</td><td>2</td><td>50%</td>");
	reply_free(&r);
	r = client_get(admin.c, "/admin/attendance");
	CHECK(r.status == 200, "admin report: %ld", r.status);
	expect_row(r.body, "<th scope=\"row\">Community att-r</th>",
		   "<td>2 held</td><td>3</td><td>4</td><td>75%</td>");
	CHECK(body_has(&r, "Per school"), "no per-school table");
	reply_free(&r);
}

TEST(report_csv)
{
	report_setup();
	int64_t f = add_meeting(comm_r, "=HYPERLINK(\"x\")", now_s() - 3 * 86400,
				now_s() - 3 * 86400 + 3600, 0, "scheduled");
	Reply r = client_get(fac.c, "/communities/att-r/attendance.csv");
	CHECK(r.status == 200, "csv: %ld", r.status);
	const char *ct = reply_header(&r, "Content-Type");
	CHECK(ct && !strncmp(ct, "text/csv", 8), "content type %s", ct ? ct : "-");
	CHECK(!strncmp(r.body, "\"meeting\",\"date\",\"member\",\"email\",\"school\",\"attended\"\r\n",
		       55), "header: %.80s", r.body);
	char day[11];
	time_t t = (time_t)(now_s() - 20 * 86400);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	char *line = NULL;
	if (asprintf(&line, "\"Report one\",\"%s\",\"Mia One\",\"%s\",\"%s\",\"yes\"\r\n", day,
		     p1.email, SCHOOL_A) > 0)
		CHECK(body_has(&r, line), "row missing: %s", line);
	free(line);
	CHECK(body_has(&r, "\"Report two\",") && body_has(&r, "\"Noah Two\",\"noah@harbor.org\",\""
							      SCHOOL_B "\",\"no\"\r\n"),
	      "absent row missing");
	CHECK(body_has(&r, "\"'=HYPERLINK(\"\"x\"\")\""), "formula not neutralised");
	CHECK(!body_has(&r, "Report future") && !body_has(&r, "Report cancelled"),
	      "future or cancelled meetings in the CSV");
	reply_free(&r);
	sql_exec(&srv, "DELETE FROM meetings WHERE id = %lld", (long long)f);
}

TEST(report_refused_negative)
{
	const char *paths[] = {"/communities/att-r/attendance", "/communities/att-r/attendance.csv"};
	for (int i = 0; i < 2; i++) {
		get_expect(&p1, paths[i], 403);
		get_expect(&out, paths[i], 403);
		get_expect(&admin, paths[i], 200);
	}
	get_expect(&fac, "/admin/attendance", 403);
	get_expect(&mem, "/admin/attendance", 403);
	Client *anon = client_new(&srv);
	Reply r = client_get(anon, "/admin/attendance");
	CHECK(r.status == 303 && !strncmp(reply_location(&r), "/login", 6), "anonymous: %ld", r.status);
	reply_free(&r);
	client_free(anon);
}

/* ---- PD hours ---- */

static int64_t year_a; /* 2024-2025 */

static void pd_attend(int64_t meeting)
{
	sql_exec(&srv, "INSERT INTO attendance (meeting_id, user_id, method, marked_at) VALUES "
		       "(%lld, %lld, 'code', 1)", (long long)meeting, (long long)pd.id);
}

TEST(pd_hours_sums_per_program_year)
{
	sql_exec(&srv, "INSERT INTO program_years (name, starts_on, ends_on, created_at) VALUES "
		       "('2023-2024', '2023-07-01', '2024-06-30', 0), "
		       "('2024-2025', '2024-07-01', '2025-06-30', 0)");
	year_a = sql_int(&srv, "SELECT id FROM program_years WHERE name = '2024-2025'");
	pd_attend(add_meeting(comm_a, "Fall call", local(2024, 10, 1, 15, 0), local(2024, 10, 1, 16, 30),
			      0, "scheduled"));
	pd_attend(add_meeting(0, "Deep dive", local(2025, 3, 1, 9, 0), local(2025, 3, 1, 13, 0), 0,
			      "scheduled"));
	/* 9 pm local on June 30 is July 1 in UTC: it belongs to the year of its local date. */
	pd_attend(add_meeting(comm_a, "Late call", local(2024, 6, 30, 21, 0),
			      local(2024, 6, 30, 22, 0), 0, "scheduled"));
	pd_attend(add_meeting(comm_a, "Old call", local(2019, 5, 1, 15, 0), local(2019, 5, 1, 15, 30),
			      0, "scheduled"));
	pd_attend(add_meeting(comm_a, "Called off", local(2025, 1, 5, 9, 0), local(2025, 1, 5, 17, 0),
			      0, "cancelled"));
	add_meeting(comm_a, "Skipped", local(2025, 1, 6, 9, 0), local(2025, 1, 6, 17, 0), 0,
		    "scheduled");
	Reply r = client_get(pd.c, "/pd-hours");
	CHECK(r.status == 200, "pd hours: %ld", r.status);
	CHECK(body_has(&r, "Program year 2024-2025</h2>\n<p class=\"pd-total\"><strong>5.5 hours"
			   "</strong> from 2 meetings"), "2024-2025 total wrong");
	CHECK(body_has(&r, "Program year 2023-2024</h2>\n<p class=\"pd-total\"><strong>1.0 hours"
			   "</strong> from 1 meeting."), "2023-2024 total wrong (local date?)");
	CHECK(body_has(&r, "Other</h2>\n<p class=\"pd-total\"><strong>0.5 hours"), "Other wrong");
	CHECK(body_has(&r, "<td>Fall call</td><td>Community att-a</td><td>1.5</td>"),
	      "meeting row with community and hours missing");
	CHECK(body_has(&r, "<td>October 1, 2024</td>"), "meeting date missing");
	CHECK(body_has(&r, "<td>Deep dive</td><td>Association-wide</td><td>4.0</td>"),
	      "association-wide meeting row missing");
	CHECK(!body_has(&r, "Called off") && !body_has(&r, "Skipped"),
	      "a cancelled or unattended meeting counted");
	CHECK(body_has(&r, pathf("/pd-hours/certificate?year=%lld", (long long)year_a)),
	      "no certificate link");
	reply_free(&r);
	r = client_get(mem.c, "/pd-hours");
	CHECK(r.status == 200 && !body_has(&r, "Fall call"), "someone else's hours shown: %ld",
	      r.status);
	reply_free(&r);
}

TEST(pd_certificate)
{
	Reply r = client_get(pd.c, pathf("/pd-hours/certificate?year=%lld", (long long)year_a));
	CHECK(r.status == 200, "certificate: %ld", r.status);
	CHECK(body_has(&r, "<p class=\"certificate-name\">Paula Hours</p>"), "name missing");
	CHECK(body_has(&r, "<p class=\"certificate-school\">" SCHOOL_B "</p>"), "school missing");
	CHECK(body_has(&r, "5.5 hours") && body_has(&r, "2024-2025"), "hours or year missing");
	CHECK(body_has(&r, "<p class=\"certificate-org\">Practica</p>"), "association name missing");
	CHECK(body_has(&r, "Fall call") && body_has(&r, "Deep dive") && !body_has(&r, "Late call"),
	      "meeting list wrong");
	char today[64];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(today, sizeof today, "Issued on %A, %B %-d, %Y", &tm);
	CHECK(body_has(&r, today), "issue date missing (%s)", today);
	reply_free(&r);
	r = client_get(pd.c, "/pd-hours/certificate?year=other");
	CHECK(r.status == 200 && body_has(&r, "0.5 hours") && body_has(&r, "Old call"),
	      "other certificate: %ld", r.status);
	reply_free(&r);
	r = client_get(mem.c, pathf("/pd-hours/certificate?year=%lld", (long long)year_a));
	CHECK(r.status == 200 && body_has(&r, "0.0 hours") && !body_has(&r, "Fall call"),
	      "another member's certificate: %ld", r.status);
	reply_free(&r);
	get_expect(&pd, "/pd-hours/certificate", 404);
	get_expect(&pd, "/pd-hours/certificate?year=999999", 404);
	Client *anon = client_new(&srv);
	r = client_get(anon, "/pd-hours");
	CHECK(r.status == 303 && !strncmp(reply_location(&r), "/login", 6), "anonymous: %ld", r.status);
	reply_free(&r);
	client_free(anon);
}

TEST(stops_cleanly)
{
	check_stops_cleanly(&srv, people, COUNT_OF(people), NULL);
}

/* ---- setup ---- */

static bool setup(void)
{
	if (!server_init(&srv) || !add_school(&srv, SCHOOL_A, "active") ||
	    !add_school(&srv, SCHOOL_B, "active") ||
	    !people_add(&srv, people, COUNT_OF(people), NULL))
		return false;
	comm_a = add_community(&srv, "att-a", "Community att-a", "active", "open");
	comm_b = add_community(&srv, "att-b", "Community att-b", "active", "open");
	comm_r = add_community(&srv, "att-r", "Community att-r", "active", "open");
	if (!comm_a || !comm_b || !comm_r || !add_membership(&srv, comm_a, p1.id, "participant") ||
	    !add_membership(&srv, comm_a, p2.id, "participant") ||
	    !add_membership(&srv, comm_a, pd.id, "participant") ||
	    !add_membership(&srv, comm_b, out.id, "participant") ||
	    !add_membership(&srv, comm_r, p1.id, "participant") ||
	    !add_membership(&srv, comm_r, p2.id, "participant") ||
	    !add_facilitator(&srv, comm_a, fac.id) || !add_facilitator(&srv, comm_r, fac.id) ||
	    !server_start(&srv))
		return false;
	return people_sign_in(&srv, people, COUNT_OF(people), "/home");
}

SUITE_MAIN(setup, &srv, people, rsvp_going_not_going_and_changing, rsvp_seat_limit,
	rsvp_refused_negative, rsvp_association_wide, checklist_marks_attendance,
	checklist_keeps_sign_in_after_page_was_shown, checklist_association_wide_by_admin,
	checklist_refused_negative, code_sign_in_inside_window, code_sign_in_wrong_code,
	code_sign_in_outside_window, code_sign_in_refused_negative, code_sign_in_association_wide,
	code_page_shows_code_and_qr, meeting_page_section, report_rates, report_csv,
	report_refused_negative, pd_hours_sums_per_program_year, pd_certificate, stops_cleanly)
