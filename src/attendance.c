/* Meeting attendance. RSVPs: going / not going, "going" only while seats are left (counted and
 * saved in one write transaction). Attendance, two ways: the facilitator ticks who came on a
 * checklist, or members sign themselves in during the meeting with its short code, typed or
 * read from a QR code the facilitator shows on screen. Reports: per community (per meeting,
 * member and school, and as CSV) and association-wide. And the meeting page's section. */
#include "audit.h"
#include "attendance.h"

#include <ctype.h>
#include <qrencode.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "communities.h"
#include "config.h"
#include "csv.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

bool attendance_window_open(const Meeting *m, int64_t now)
{
	/* The grace period: sign-in opens SIGNIN_EARLY_SECONDS (30 minutes) before the start, so
	 * people who arrive early or join the call while it opens can sign in as they wait; it
	 * closes when the meeting ends (later, the facilitator's checklist is the way). */
	return !m->cancelled && now >= m->starts_at - SIGNIN_EARLY_SECONDS && now <= m->ends_at;
}

const char *attendance_date(Req *r, int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	localtime_r(&t, &tm);
	char s[64];
	strftime(s, sizeof s, "%B %-d, %Y", &tm);
	return arena_strdup(r->arena, s);
}

/* Where members act on m: "/communities/SLUG/meetings/ID" or, association-wide, "/meetings/ID". */
static const char *member_base(Req *r, const Meeting *m)
{
	if (m->community_id)
		return arena_printf(r->arena, "/communities/%s/meetings/%lld", m->community_slug,
				    (long long)m->id);
	return meeting_url(r, m);
}

/* The meeting of a member route: /communities/:slug/meetings/:id/... or, for association-wide
 * meetings only, /meetings/:id/... (a community meeting there is 404). NULL after answering. */
static Meeting *attend_from_path(Req *r)
{
	if (!strncmp(r->route->pattern, "/communities/", 13))
		return meeting_from_path(r);
	Meeting *m = meeting_from_id_path(r);
	if (m && m->community_id) {
		resp_error(r, 404, "This meeting belongs to a community: answer from its page.");
		return NULL;
	}
	return m;
}

static bool attended(Db *db, int64_t meeting_id, int64_t user_id)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM attendance WHERE meeting_id = :m AND "
					  "user_id = :u");
	db_bind_int(st, ":m", meeting_id);
	db_bind_int(st, ":u", user_id);
	bool yes = db_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return yes;
}

/* ---- RSVP ---- */

typedef enum { RSVP_SAVED, RSVP_FULL, RSVP_CANCELLED, RSVP_FAILED } RsvpResult;

static RsvpResult rsvp_save(Db *db, int64_t meeting_id, int64_t user_id, bool going)
{
	if (!db_begin(db))
		return RSVP_FAILED;
	/* Inside the write lock: the limit and the count of others going cannot change under us. */
	sqlite3_stmt *st = db_prepare(
		db, "SELECT coalesce(m.seat_limit, 0), m.status = 'cancelled', (SELECT count(*) FROM "
		    "rsvps v WHERE v.meeting_id = m.id AND v.answer = 'going' AND v.user_id != :u) "
		    "FROM meetings m WHERE m.id = :m");
	db_bind_int(st, ":m", meeting_id);
	db_bind_int(st, ":u", user_id);
	RsvpResult result = RSVP_FAILED;
	if (db_step(st) == SQLITE_ROW) {
		int64_t limit = db_col_int(st, 0), others = db_col_int(st, 2);
		result = db_col_int(st, 1)		      ? RSVP_CANCELLED
			 : going && limit && others >= limit ? RSVP_FULL
							      : RSVP_SAVED;
	}
	sqlite3_reset(st);
	if (result != RSVP_SAVED) {
		db_rollback(db);
		return result;
	}
	st = db_prepare(db, "INSERT INTO rsvps (meeting_id, user_id, answer, answered_at) VALUES "
			    "(:m, :u, :answer, :now) ON CONFLICT (meeting_id, user_id) DO UPDATE "
			    "SET answer = excluded.answer, answered_at = excluded.answered_at");
	db_bind_int(st, ":m", meeting_id);
	db_bind_int(st, ":u", user_id);
	db_bind_text(st, ":answer", going ? "going" : "not_going");
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st) || !db_commit(db)) {
		db_rollback(db);
		return RSVP_FAILED;
	}
	return RSVP_SAVED;
}

/* POST .../rsvp: answer=going|not_going. "Not going" is always accepted; "going" while
 * seats are left. Changing one's answer is fine. */
void handle_rsvp(Req *r)
{
	Meeting *m = attend_from_path(r);
	if (!m)
		return;
	const char *answer = req_form_or(r, "answer", "");
	bool going = !strcmp(answer, "going");
	if (!going && strcmp(answer, "not_going") != 0) {
		resp_error(r, 422, "Choose whether you are going or not, then press the button again.");
		return;
	}
	if (!meeting_can_attend(r, m)) {
		resp_error(r, 403, "Only members of this community can answer for its meetings.");
		return;
	}
	if (m->cancelled) {
		resp_error(r, 409, "This meeting was cancelled, so it takes no answers.");
		return;
	}
	if (time(NULL) > m->ends_at) {
		resp_error(r, 409, "This meeting is over, so it takes no more answers.");
		return;
	}
	switch (rsvp_save(r->db, m->id, r->user->id, going)) {
	case RSVP_SAVED:
		resp_redirect(r, arena_printf(r->arena, "%s?notice=%s", meeting_url(r, m),
					      going ? "rsvp-going" : "rsvp-not-going"));
		return;
	case RSVP_FULL:
		resp_error(r, 409, arena_printf(r->arena, "This meeting is full: all %lld seats are "
							  "taken. If someone cancels, a seat frees up.",
						(long long)m->seat_limit));
		return;
	case RSVP_CANCELLED:
		resp_error(r, 409, "This meeting was cancelled, so it takes no answers.");
		return;
	case RSVP_FAILED:
		resp_error(r, 503, "We could not save your answer just now. Please try again.");
		return;
	}
}

/* ---- the facilitator's checklist ---- */

/* Is the form's field name equal to value in any of its (repeated) occurrences? */
static bool form_has(Req *r, const char *name, const char *value)
{
	for (int i = 0; i < r->nform; i++)
		if (!strcmp(r->form[i].name, name) && !strcmp(r->form[i].value, value))
			return true;
	return false;
}

/* The people on m's checklist: the community's participants, whoever answered, whoever is
 * already marked. from_form: tick boxes as posted (re-showing a refused form). */
static void checklist_page(Req *r, const Meeting *m, int status, const char *error,
			   bool from_form)
{
	Buf *o = &r->out;
	r->status = status;
	page_begin(r, arena_printf(r->arena, "Attendance: %s", m->title));
	html(o, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>Attendance</h1>\n<p class=\"lead\">"
		"%s</p>\n",
	     meeting_url(r, m), m->title, format_when(r, m->starts_at, m->ends_at));
	if (error)
		html(o, "<div class=\"error-summary\" role=\"alert\"><p>%s</p></div>\n", error);
	int64_t as_of = time(NULL);
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT u.id, u.name, coalesce(s.name, ''), coalesce(v.answer, ''), "
		       "coalesce(a.method, '') FROM users u LEFT JOIN schools s ON s.id = u.school_id "
		       "LEFT JOIN rsvps v ON v.meeting_id = :m AND v.user_id = u.id "
		       "LEFT JOIN attendance a ON a.meeting_id = :m AND a.user_id = u.id "
		       "WHERE u.id IN (SELECT user_id FROM memberships WHERE community_id = :c AND "
		       "status = 'participant' UNION SELECT user_id FROM rsvps WHERE meeting_id = :m "
		       "UNION SELECT user_id FROM attendance WHERE meeting_id = :m) "
		       "ORDER BY u.name, u.id");
	db_bind_int(st, ":m", m->id);
	db_bind_int(st, ":c", m->community_id);
	form_begin(r, arena_printf(r->arena, "%s/attendance", meeting_manage_url(r, m)));
	html(o, "<input type=\"hidden\" name=\"as_of\" value=\"%lld\">\n", (long long)as_of);
	html_raw(o, "<table class=\"checklist\">\n<caption>Tick everyone who attended.</caption>\n"
		    "<thead><tr><th scope=\"col\">Attended (tick)</th><th scope=\"col\">School</th>"
		    "<th scope=\"col\">RSVP</th><th scope=\"col\">Marked by</th></tr></thead>\n"
		    "<tbody>\n");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		const char *id = db_col_text(st, 0), *answer = db_col_text(st, 3),
			   *method = db_col_text(st, 4);
		bool ticked = from_form ? form_has(r, "attended", id) : *method != 0;
		n++;
		html(o, "<tr><td><input type=\"hidden\" name=\"listed\" value=\"%s\">"
			"<input type=\"checkbox\" id=\"a-%s\" name=\"attended\" value=\"%s\"%s> "
			"<label for=\"a-%s\">%s</label></td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		     id, id, id, ticked ? " checked" : "", id, db_col_text(st, 1), db_col_text(st, 2),
		     !strcmp(answer, "going") ? "Going" : *answer ? "Not going" : "No answer",
		     !strcmp(method, "code") ? "Signed in with the code"
		     : *method		    ? "Checklist"
					    : "");
	}
	html_raw(o, "</tbody>\n</table>\n");
	if (!n)
		html_raw(o, "<p>Nobody is expected yet: no participants and no answers.</p>\n");
	html_raw(o, "<button type=\"submit\">Save attendance</button>\n");
	form_end(r);
	page_end(r);
}

void handle_checklist(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (m)
		checklist_page(r, m, 200, NULL, false);
}

/* May user_id be on m's checklist (see checklist_page)? */
static bool on_checklist(Db *db, const Meeting *m, int64_t user_id)
{
	sqlite3_stmt *st = db_prepare(
		db, "SELECT EXISTS (SELECT 1 FROM memberships WHERE community_id = :c AND user_id = :u "
		    "AND status = 'participant') OR EXISTS (SELECT 1 FROM rsvps WHERE meeting_id = :m "
		    "AND user_id = :u) OR EXISTS (SELECT 1 FROM attendance WHERE meeting_id = :m AND "
		    "user_id = :u)");
	db_bind_int(st, ":c", m->community_id);
	db_bind_int(st, ":m", m->id);
	db_bind_int(st, ":u", user_id);
	bool yes = db_step(st) == SQLITE_ROW && db_col_int(st, 0);
	sqlite3_reset(st);
	return yes;
}

/* POST the checklist: attended=ID for each ticked box, listed=ID for each row shown, as_of
 * the time the page was shown. Ticked people are marked (keeping the method of an earlier
 * mark); listed but unticked people are unmarked, unless they signed in after the page was
 * shown: a facilitator's stale page does not undo a sign-in it never saw. */
void handle_checklist_save(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	if (m->cancelled) {
		resp_error(r, 409, "This meeting was cancelled, so it has no attendance to record.");
		return;
	}
	if (time(NULL) < m->starts_at - SIGNIN_EARLY_SECONDS) {
		resp_error(r, 409, "This meeting has not started yet: record attendance once it "
				   "has begun.");
		return;
	}
	int64_t as_of = parse_id(req_form_or(r, "as_of", ""));
	if (!as_of)
		as_of = time(NULL);
	for (int i = 0; i < r->nform; i++) {
		if (strcmp(r->form[i].name, "attended") != 0)
			continue;
		int64_t id = parse_id(r->form[i].value);
		if (!id || !on_checklist(r->db, m, id)) {
			checklist_page(r, m, 422, "Someone ticked is not on this meeting's list. "
						  "Check the ticks below and save again.", true);
			return;
		}
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "We could not save the attendance just now. Please try again.");
		return;
	}
	bool ok = true;
	for (int i = 0; i < r->nform && ok; i++) {
		const Field *f = &r->form[i];
		sqlite3_stmt *st;
		if (!strcmp(f->name, "attended")) {
			st = db_prepare(r->db, "INSERT INTO attendance (meeting_id, user_id, method, "
					       "marked_by, marked_at) VALUES (:m, :u, 'checklist', :by, "
					       ":now) ON CONFLICT (meeting_id, user_id) DO NOTHING");
			db_bind_int(st, ":by", r->user->id);
			db_bind_int(st, ":now", time(NULL));
		} else if (!strcmp(f->name, "listed") && !form_has(r, "attended", f->value)) {
			st = db_prepare(r->db, "DELETE FROM attendance WHERE meeting_id = :m AND "
					       "user_id = :u AND marked_at < :as_of");
			db_bind_int(st, ":as_of", as_of);
		} else {
			continue;
		}
		db_bind_int(st, ":m", m->id);
		db_bind_int(st, ":u", parse_id(f->value));
		ok = db_run(st);
	}
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "We could not save the attendance just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "%s/attendance?notice=attendance-saved",
				      meeting_manage_url(r, m)));
	audit(r, "attendance.save", "attendance checklist of meeting #%lld", (long long)m->id);
}

/* ---- the sign-in code and its QR code ---- */

/* "https://host": the scheme this request came over and its Host header, when that is a
 * plain host[:port]; else the address we listen on. */
static const char *origin(Req *r)
{
	const char *host = req_header(r, "Host");
	bool ok = host && *host && strlen(host) < 256;
	for (const char *p = host; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr(".-:[]", *p);
	if (!ok)
		host = arena_printf(r->arena, "%s:%d", config.listen_host, config.port);
	return arena_printf(r->arena, "%s://%s", r->https ? "https" : "http", host);
}

/* text as a QR code in inline SVG: one dark run of modules per path segment, written from
 * integer coordinates only, inside a 4-module quiet zone. */
static void qr_svg(Req *r, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr) {
		html_raw(&r->out, "<p>The QR code could not be drawn: use the address below.</p>\n");
		return;
	}
	int w = qr->width, size = w + 8;
	html(&r->out, "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		      "role=\"img\" aria-label=\"QR code of the sign-in address\" "
		      "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		      "<path fill=\"#000\" d=\"",
	     size, size, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w;) {
			int run = 0;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			if (run)
				html(&r->out, "M%d %dh%dv1h-%dz", x + 4, y + 4, run, run);
			x += run ? run : 1;
		}
	html_raw(&r->out, "\"/></svg>\n");
	QRcode_free(qr);
}

/* When sign-in is open, as a sentence. */
static const char *window_text(Req *r, const Meeting *m)
{
	return arena_printf(r->arena, "Sign-in is open from %s, 30 minutes before the start, "
				      "until the meeting ends at %s.",
			    format_time(r, m->starts_at - SIGNIN_EARLY_SECONDS),
			    format_time(r, m->ends_at));
}

/* GET .../code: the code big, for the screen, and a QR code of the sign-in page with it. */
void handle_signin_code(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	const char *url = arena_printf(r->arena, "%s%s/sign-in?code=%s", origin(r),
				       member_base(r, m), url_encode(r->arena, m->signin_code));
	Buf *o = &r->out;
	page_begin(r, arena_printf(r->arena, "Sign-in code: %s", m->title));
	html(o, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>Sign in to %s</h1>\n",
	     meeting_url(r, m), m->title, m->title);
	if (m->cancelled)
		html_raw(o, "<p class=\"notice\" role=\"status\">This meeting was cancelled: nobody "
			    "can sign in.</p>\n");
	else if (!attendance_window_open(m, time(NULL)))
		html(o, "<p class=\"notice\" role=\"status\">Sign-in is not open now. %s</p>\n",
		     window_text(r, m));
	html(o, "<div class=\"signin-screen\">\n<p>Meeting code</p>\n<p class=\"signin-code\">%s</p>\n",
	     m->signin_code);
	qr_svg(r, url);
	html(o, "</div>\n<p>Scan the QR code with your phone, or go to <a href=\"%s\">%s</a> and "
		"enter the code.</p>\n<p class=\"meta\">%s</p>\n",
	     url, url, window_text(r, m));
	page_end(r);
}

/* ---- members signing themselves in ---- */

/* Does the typed code match the meeting's, ignoring case and surrounding spaces? Compared
 * in constant time. */
static bool code_matches(const char *given, const char *code)
{
	char a[64], b[64];
	while (isspace((unsigned char)*given))
		given++;
	size_t n = strlen(given);
	while (n && isspace((unsigned char)given[n - 1]))
		n--;
	if (!n || n != strlen(code) || n >= sizeof a)
		return false;
	for (size_t i = 0; i < n; i++) {
		a[i] = (char)toupper((unsigned char)given[i]);
		b[i] = (char)toupper((unsigned char)code[i]);
	}
	return sodium_memcmp(a, b, n) == 0;
}

static void signin_page(Req *r, const Meeting *m, int status, const char *code,
			const char *error)
{
	Buf *o = &r->out;
	r->status = status;
	page_begin(r, arena_printf(r->arena, "Sign in: %s", m->title));
	html(o, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>Sign in to this meeting</h1>\n"
		"<p class=\"lead\">%s<br>%s</p>\n",
	     meeting_url(r, m), m->title, m->title, format_when(r, m->starts_at, m->ends_at));
	if (attended(r->db, m->id, r->user->id))
		html_raw(o, "<p><strong>You are signed in to this meeting.</strong></p>\n");
	else if (m->cancelled)
		html_raw(o, "<p>This meeting was cancelled.</p>\n");
	else if (!attendance_window_open(m, time(NULL)))
		html(o, "<p>%s</p>\n", window_text(r, m));
	else {
		form_error_summary(r, error ? 1 : 0);
		form_begin(r, arena_printf(r->arena, "%s/sign-in", member_base(r, m)));
		form_input(r, "code", "Meeting code (shown on screen by the facilitator)", "text",
			   code, error, "off");
		html_raw(o, "<button type=\"submit\">Sign in</button>\n");
		form_end(r);
	}
	page_end(r);
}

/* GET .../sign-in[?code=]: the form, prefilled from the QR code's address. Writes nothing. */
void handle_signin_page(Req *r)
{
	Meeting *m = attend_from_path(r);
	if (!m)
		return;
	if (!meeting_can_attend(r, m)) {
		resp_error(r, 403, "Only members of this community can sign in to its meetings.");
		return;
	}
	const char *code = req_query(r, "code");
	signin_page(r, m, 200, code && strlen(code) < 64 ? code : "", NULL);
}

/* POST .../sign-in: code. Inside the window only; signing in again changes nothing. */
void handle_signin(Req *r)
{
	Meeting *m = attend_from_path(r);
	if (!m)
		return;
	if (!meeting_can_attend(r, m)) {
		resp_error(r, 403, "Only members of this community can sign in to its meetings.");
		return;
	}
	int64_t now = time(NULL);
	if (m->cancelled) {
		resp_error(r, 409, "This meeting was cancelled, so nobody can sign in to it.");
		return;
	}
	if (now < m->starts_at - SIGNIN_EARLY_SECONDS) {
		resp_error(r, 409, arena_printf(r->arena, "Sign-in has not opened yet. %s",
						window_text(r, m)));
		return;
	}
	if (now > m->ends_at) {
		resp_error(r, 409, "This meeting has ended, so sign-in is closed. If you attended, "
				   "ask the facilitator to mark you present.");
		return;
	}
	const char *code = req_form_or(r, "code", "");
	if (!code_matches(code, m->signin_code)) {
		signin_page(r, m, 422, code,
			    *code ? "That is not this meeting's code. Check the code on screen and "
				    "try again."
				  : "Enter the code shown on screen.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO attendance (meeting_id, user_id, method, "
					     "marked_by, marked_at) VALUES (:m, :u, 'code', :u, "
					     ":now) ON CONFLICT (meeting_id, user_id) DO NOTHING");
	db_bind_int(st, ":m", m->id);
	db_bind_int(st, ":u", r->user->id);
	db_bind_int(st, ":now", now);
	if (!db_run(st)) {
		resp_error(r, 503, "We could not sign you in just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "%s?notice=meeting-signed-in", meeting_url(r, m)));
}

/* ---- the meeting page's section ---- */

static void answer_button(Req *r, const char *action, const char *answer, const char *label,
			  bool current)
{
	html(&r->out,
	     "<form class=\"inline\" method=\"post\" action=\"%s\"><input type=\"hidden\" "
	     "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"answer\" value=\"%s\">"
	     "<button type=\"submit\" class=\"%s\" aria-pressed=\"%s\">%s</button></form> ",
	     action, csrf_token(r), answer, current ? "" : "secondary", current ? "true" : "false",
	     label);
}

void attendance_section(Req *r, const Meeting *m)
{
	bool attend = meeting_can_attend(r, m), manage = meeting_can_manage(r, m);
	if (!attend && !manage)
		return;
	int64_t now = time(NULL);
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT (SELECT count(*) FROM rsvps WHERE meeting_id = :m AND answer = 'going'), "
		       "coalesce((SELECT answer FROM rsvps WHERE meeting_id = :m AND user_id = :u), ''), "
		       "EXISTS (SELECT 1 FROM attendance WHERE meeting_id = :m AND user_id = :u)");
	db_bind_int(st, ":m", m->id);
	db_bind_int(st, ":u", r->user->id);
	int64_t going = 0;
	const char *mine = "";
	bool present = false;
	if (db_step(st) == SQLITE_ROW) {
		going = db_col_int(st, 0);
		mine = arena_strdup(r->arena, db_col_text(st, 1));
		present = db_col_int(st, 2) != 0;
	}
	sqlite3_reset(st);
	Buf *o = &r->out;
	html_raw(o, "<section class=\"attendance\" aria-labelledby=\"h-attendance\">\n"
		    "<h2 id=\"h-attendance\">Attendance</h2>\n");
	if (!m->cancelled) {
		html(o, "<p>%lld going", (long long)going);
		if (m->seat_limit && going >= m->seat_limit)
			html(o, ". Full: all %lld seats are taken", (long long)m->seat_limit);
		else if (m->seat_limit)
			html(o, " of %lld seats, %lld left", (long long)m->seat_limit,
			     (long long)(m->seat_limit - going));
		html_raw(o, ".</p>\n");
	}
	if (attend && !m->cancelled && now <= m->ends_at) {
		bool full = m->seat_limit && going >= m->seat_limit && strcmp(mine, "going") != 0;
		html(o, "<p>%s</p>\n<div class=\"rsvp\">",
		     !strcmp(mine, "going")	? "Your answer: you are going."
		     : !strcmp(mine, "not_going") ? "Your answer: you are not going."
						  : "Are you going? Let the facilitators know.");
		const char *action = arena_printf(r->arena, "%s/rsvp", member_base(r, m));
		if (!full)
			answer_button(r, action, "going", "I'm going", !strcmp(mine, "going"));
		answer_button(r, action, "not_going", "I can't go", !strcmp(mine, "not_going"));
		html_raw(o, "</div>\n");
	}
	if (attend && present)
		html_raw(o, "<p class=\"badge\">You attended this meeting</p>\n");
	else if (attend && attendance_window_open(m, now))
		html(o, "<p><a class=\"button\" href=\"%s/sign-in\">Sign in to this meeting</a></p>\n",
		     member_base(r, m));
	if (manage) {
		const char *base = meeting_manage_url(r, m);
		html(o, "<ul class=\"manage-links\"><li><a href=\"%s/attendance\">Attendance "
			"checklist</a></li><li><a href=\"%s/code\">Show the sign-in code and QR "
			"code</a></li><li><a href=\"%s/sign-in-sheet\">Printable sign-in sheet</a></li>",
		     base, base, base);
		if (m->community_id)
			html(o, "<li><a href=\"/communities/%s/attendance\">Attendance report</a></li>",
			     m->community_slug);
		html_raw(o, "</ul>\n");
	}
	html_raw(o, "</section>\n");
}

/* ---- reports ---- */

/* The rows every rate is computed over: for each held meeting (ended, not cancelled; :c = 0
 * for all of them, else one community's), the people expected, each once: a community's
 * current participants, or for an association-wide meeting whoever answered "going", plus
 * anyone who attended. went is 1 when they attended. A rate is attended / expected. */
#define EXPECTED_ROWS                                                                         \
	"WITH held AS (SELECT id, community_id, title, starts_at FROM meetings WHERE "           \
	"status = 'scheduled' AND ends_at <= :now AND (:c = 0 OR community_id = :c)), "          \
	"people AS (SELECT h.id AS mid, ms.user_id AS uid FROM held h JOIN memberships ms ON "   \
	"ms.community_id = h.community_id AND ms.status = 'participant' "                         \
	"UNION SELECT h.id, v.user_id FROM held h JOIN rsvps v ON v.meeting_id = h.id AND "       \
	"v.answer = 'going' WHERE h.community_id IS NULL "                                        \
	"UNION SELECT a.meeting_id, a.user_id FROM attendance a JOIN held h ON "                  \
	"h.id = a.meeting_id), "                                                                  \
	"expected AS (SELECT p.mid, p.uid, h.community_id AS cid, h.title, h.starts_at, u.name, " \
	"u.email, coalesce(u.school_id, 0) AS sid, coalesce(s.name, 'No school') AS school, "     \
	"EXISTS (SELECT 1 FROM attendance a WHERE a.meeting_id = p.mid AND a.user_id = p.uid) "   \
	"AS went FROM people p JOIN held h ON h.id = p.mid JOIN users u ON u.id = p.uid "         \
	"LEFT JOIN schools s ON s.id = u.school_id) "

static const char *rate(Req *r, int64_t n, int64_t of)
{
	if (of <= 0)
		return "–";
	return arena_printf(r->arena, "%lld%%", (long long)((n * 100 + of / 2) / of));
}

/* A table from a statement whose rows are: label, detail, attended, expected. */
static void rate_table(Req *r, sqlite3_stmt *st, const char *caption, const char *label,
		       const char *detail, const char *of)
{
	Buf *o = &r->out;
	html(o, "<table class=\"report\">\n<caption>%s</caption>\n<thead><tr><th scope=\"col\">%s"
		"</th><th scope=\"col\">%s</th><th scope=\"col\">Attended</th><th scope=\"col\">%s"
		"</th><th scope=\"col\">Rate</th></tr></thead>\n<tbody>\n",
	     caption, label, detail, of);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		int64_t went = db_col_int(st, 2), expected = db_col_int(st, 3);
		html(o, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%lld</td><td>%lld</td>"
			"<td>%s</td></tr>\n",
		     db_col_text(st, 0), db_col_text(st, 1), (long long)went, (long long)expected,
		     rate(r, went, expected));
		n++;
	}
	if (!n)
		html_raw(o, "<tr><td colspan=\"5\">No meetings held yet.</td></tr>\n");
	html_raw(o, "</tbody>\n</table>\n");
	sqlite3_reset(st);
}

/* Per school, over all rows (community_id 0: every community and association-wide). */
static void school_table(Req *r, int64_t community_id, int64_t now)
{
	sqlite3_stmt *st = db_prepare(r->db, EXPECTED_ROWS
				      "SELECT school, count(DISTINCT uid) || ' people', sum(went), "
				      "count(*) FROM expected GROUP BY sid ORDER BY school");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":c", community_id);
	rate_table(r, st, "Per school", "School", "People", "Expected");
}

void handle_attendance_report(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	int64_t now = time(NULL);
	Buf *o = &r->out;
	page_begin(r, arena_printf(r->arena, "Attendance: %s", c->name));
	html(o, "<p class=\"meta\"><a href=\"/communities/%s\">%s</a></p>\n<h1>Attendance</h1>\n"
		"<p class=\"lead\">Meetings held so far (ended, not cancelled). Rates are over the "
		"community's current participants and anyone else who attended.</p>\n"
		"<p><a href=\"/communities/%s/attendance.csv\">Download attendance (CSV)</a></p>\n",
	     c->slug, c->name, c->slug);
	sqlite3_stmt *st = db_prepare(r->db, EXPECTED_ROWS
				      "SELECT title, mid, sum(went), count(*), starts_at FROM "
				      "expected GROUP BY mid ORDER BY starts_at, mid");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":c", c->id);
	html_raw(o, "<table class=\"report\">\n<caption>Per meeting</caption>\n<thead><tr>"
		    "<th scope=\"col\">Meeting</th><th scope=\"col\">Date</th><th scope=\"col\">"
		    "Attended</th><th scope=\"col\">Participants</th><th scope=\"col\">Rate</th>"
		    "</tr></thead>\n<tbody>\n");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		int64_t went = db_col_int(st, 2), expected = db_col_int(st, 3);
		html(o, "<tr><th scope=\"row\"><a href=\"/meetings/%lld\">%s</a></th><td>%s</td>"
			"<td>%lld</td><td>%lld</td><td>%s</td></tr>\n",
		     (long long)db_col_int(st, 1), db_col_text(st, 0),
		     attendance_date(r, db_col_int(st, 4)), (long long)went, (long long)expected,
		     rate(r, went, expected));
		n++;
	}
	if (!n)
		html_raw(o, "<tr><td colspan=\"5\">No meetings held yet.</td></tr>\n");
	html_raw(o, "</tbody>\n</table>\n");
	st = db_prepare(r->db, EXPECTED_ROWS "SELECT name, school, sum(went), count(*) FROM "
					     "expected GROUP BY uid ORDER BY name, uid");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":c", c->id);
	rate_table(r, st, "Per member", "Member", "School", "Held");
	school_table(r, c->id, now);
	page_end(r);
}

void handle_attendance_csv(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	audit(r, "attendance.export", "attendance CSV of community %s", c->slug);
	r->content_type = "text/csv; charset=utf-8";
	resp_header(r, "Content-Disposition",
		    arena_printf(r->arena, "attachment; filename=\"%s-attendance.csv\"", c->slug));
	Buf *o = &r->out;
	csv_row(o, 6, "meeting", "date", "member", "email", "school", "attended");
	sqlite3_stmt *st = db_prepare(r->db, EXPECTED_ROWS
				      "SELECT title, starts_at, name, email, school, went FROM "
				      "expected ORDER BY starts_at, mid, name, uid");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":c", c->id);
	while (db_step(st) == SQLITE_ROW) {
		char day[11];
		time_t t = (time_t)db_col_int(st, 1);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
		csv_row(o, 6, db_col_text(st, 0), day, db_col_text(st, 2), db_col_text(st, 3),
			db_col_text(st, 4), db_col_int(st, 5) ? "yes" : "no");
	}
}

void handle_admin_attendance(Req *r)
{
	int64_t now = time(NULL);
	page_begin(r, "Attendance across the association");
	html_raw(&r->out, "<p class=\"meta\"><a href=\"/admin\">Administration</a></p>\n"
			  "<h1>Attendance across the association</h1>\n<p class=\"lead\">Meetings "
			  "held so far (ended, not cancelled). Expected: each community's current "
			  "participants, and for association-wide meetings those who answered "
			  "\"going\"; plus anyone else who attended.</p>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, EXPECTED_ROWS "SELECT coalesce(c.name, 'Association-wide meetings'), "
				     "count(DISTINCT e.mid) || ' held', sum(e.went), count(*) FROM "
				     "expected e LEFT JOIN communities c ON c.id = e.cid GROUP BY "
				     "e.cid ORDER BY e.cid IS NULL, c.name");
	db_bind_int(st, ":now", now);
	db_bind_int(st, ":c", 0);
	rate_table(r, st, "Per community", "Community", "Meetings", "Expected");
	school_table(r, 0, now);
	page_end(r);
}
