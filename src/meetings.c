/* Meetings of a community or of the whole association: loading them from routes, who may
 * manage or attend them, the meeting page (details, then the sections other features add in
 * meeting_sections[] below), a community's list of meetings, and the form that creates a
 * meeting or a recurring series, edits and cancels it. */
#include "audit.h"
#include "meetings.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agenda.h"
#include "attendance.h"
#include "auth.h"
#include "communities.h"
#include "config.h"
#include "handlers.h"
#include "html.h"
#include "markdown.h"
#include "materials.h"
#include "notify.h"
#include "page.h"
#include "search.h"
#include "validate.h"

/* The meeting page's sections, rendered in this order after the meeting's details. */
static const MeetingSection meeting_sections[] = {
	agenda_section,
	attendance_section,
	materials_section,
	calendar_section,
};

#define MEETING_COLUMNS                                                                      \
	"m.id, coalesce(m.community_id, 0), coalesce(c.slug, ''), coalesce(c.name, ''), "     \
	"coalesce(m.series_id, 0), coalesce(m.number, 0), m.title, m.starts_at, m.ends_at, "  \
	"m.format, m.venue, m.address, m.video_url, m.mandatory, m.purpose, m.highlights, "   \
	"m.status, coalesce(m.seat_limit, 0), m.signin_code, m.uid, m.sequence "

static const char *col(Req *r, sqlite3_stmt *st, int i)
{
	return arena_strdup(r->arena, db_col_text(st, i));
}

static Meeting *read_meeting(Req *r, sqlite3_stmt *st)
{
	Meeting *m = arena_alloc(r->arena, sizeof *m);
	m->id = db_col_int(st, 0);
	m->community_id = db_col_int(st, 1);
	m->community_slug = col(r, st, 2);
	m->community_name = col(r, st, 3);
	m->series_id = db_col_int(st, 4);
	m->number = db_col_int(st, 5);
	m->title = col(r, st, 6);
	m->starts_at = db_col_int(st, 7);
	m->ends_at = db_col_int(st, 8);
	m->format = col(r, st, 9);
	m->venue = col(r, st, 10);
	m->address = col(r, st, 11);
	m->video_url = col(r, st, 12);
	m->mandatory = db_col_int(st, 13) != 0;
	m->purpose = col(r, st, 14);
	m->highlights = col(r, st, 15);
	m->cancelled = !strcmp(db_col_text(st, 16), "cancelled");
	m->seat_limit = db_col_int(st, 17);
	m->signin_code = col(r, st, 18);
	m->uid = col(r, st, 19);
	m->sequence = db_col_int(st, 20);
	return m;
}

Meeting *meeting_load(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT " MEETING_COLUMNS "FROM meetings m LEFT JOIN "
					     "communities c ON c.id = m.community_id WHERE m.id = :id");
	db_bind_int(st, ":id", id);
	Meeting *m = db_step(st) == SQLITE_ROW ? read_meeting(r, st) : NULL;
	sqlite3_reset(st);
	return m;
}

Meeting *meeting_from_path(Req *r)
{
	Meeting *m = meeting_load(r, req_param_id(r, 1));
	if (!m || !m->community_id || strcmp(m->community_slug, req_param(r, 0)) != 0) {
		resp_error(r, 404, "This community has no meeting at this address.");
		return NULL;
	}
	return m;
}

Meeting *meeting_from_id_path(Req *r)
{
	Meeting *m = meeting_load(r, req_param_id(r, 0));
	if (!m)
		resp_error(r, 404, "There is no meeting at this address.");
	return m;
}

Meeting *meeting_managed_from_path(Req *r)
{
	if (r->nparams > 0 && r->route && !strncmp(r->route->pattern, "/communities/", 13))
		return meeting_from_path(r);
	Meeting *m = meeting_from_id_path(r);
	if (m && m->community_id) {
		resp_error(r, 404, "This meeting belongs to a community: manage it from there.");
		return NULL;
	}
	return m;
}

const char *meeting_url(Req *r, const Meeting *m)
{
	return arena_printf(r->arena, "/meetings/%lld", (long long)m->id);
}

const char *meeting_manage_url(Req *r, const Meeting *m)
{
	if (m->community_id)
		return arena_printf(r->arena, "/communities/%s/meetings/%lld", m->community_slug,
				    (long long)m->id);
	return arena_printf(r->arena, "/admin/meetings/%lld", (long long)m->id);
}

bool meeting_can_manage(Req *r, const Meeting *m)
{
	if (!r->user)
		return false;
	if (r->user->is_admin)
		return true;
	return m->community_id &&
	       community_role(r->db, m->community_slug, r->user->id) == COMMUNITY_FACILITATOR;
}

bool meeting_can_attend(Req *r, const Meeting *m)
{
	if (!r->user || !r->user->is_member)
		return false;
	if (r->user->is_admin || !m->community_id)
		return true;
	return community_role(r->db, m->community_slug, r->user->id) >= COMMUNITY_PARTICIPANT;
}

void meeting_touch(Db *db, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE meetings SET sequence = sequence + 1, "
					  "updated_at = :now WHERE id = :id");
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":id", id);
	db_run(st);
	search_index_meeting(db, id); /* every change to a meeting comes through here */
}

const char *meeting_format_label(const char *format)
{
	return !strcmp(format, "in_person") ? "In person"
	       : !strcmp(format, "hybrid") ? "Hybrid (in person and online)"
					   : "Virtual";
}

/* ---- the meeting page ---- */

static void series_note(Req *r, const Meeting *m)
{
	if (!m->series_id)
		return;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT rule, (SELECT count(*) FROM meetings WHERE "
					     "series_id = s.id) FROM meeting_series s WHERE s.id = :s");
	db_bind_int(st, ":s", m->series_id);
	if (db_step(st) == SQLITE_ROW)
		html(&r->out, "<dt>Series</dt><dd>%s, %lld meetings</dd>\n", db_col_text(st, 0),
		     (long long)db_col_int(st, 1));
	sqlite3_reset(st);
}

void meeting_details(Req *r, const Meeting *m)
{
	Buf *o = &r->out;
	html(o, "<dl class=\"facts meeting-details\">\n<dt>When</dt><dd>%s</dd>\n",
	     format_when(r, m->starts_at, m->ends_at));
	html(o, "<dt>Format</dt><dd>%s</dd>\n", meeting_format_label(m->format));
	if (strcmp(m->format, "virtual") != 0 && (*m->venue || *m->address)) {
		html(o, "<dt>Where</dt><dd>%s", m->venue);
		if (*m->address)
			html(o, "<span class=\"address\">%s</span>", m->address);
		html_raw(o, "</dd>\n");
	}
	if (strcmp(m->format, "in_person") != 0 && *m->video_url)
		html(o, "<dt>Video call</dt><dd><a href=\"%s\" rel=\"noopener noreferrer\">%s</a></dd>\n",
		     m->video_url, m->video_url);
	html(o, "<dt>Attendance</dt><dd>%s</dd>\n", m->mandatory ? "Mandatory" : "Optional");
	if (m->seat_limit)
		html(o, "<dt>Seats</dt><dd>%lld</dd>\n", (long long)m->seat_limit);
	series_note(r, m);
	html_raw(o, "</dl>\n");
}

/* "Meeting #3 · " eyebrow and title, with the cancelled mark. */
static void meeting_heading(Req *r, const Meeting *m)
{
	html_raw(&r->out, "<p class=\"meta\">");
	if (m->community_id)
		html(&r->out, "<a href=\"/communities/%s\">%s</a> · <a href=\"/communities/%s/meetings\">"
			      "Meetings</a>",
		     m->community_slug, m->community_name, m->community_slug);
	else
		html_raw(&r->out, "Association-wide meeting");
	html_raw(&r->out, "</p>\n<h1>");
	if (m->number)
		html(&r->out, "<span class=\"meeting-number\">Meeting #%lld</span> ",
		     (long long)m->number);
	html(&r->out, "%s</h1>\n", m->title);
	if (m->cancelled)
		html_raw(&r->out, "<p class=\"cancelled-note\" role=\"status\"><strong>Cancelled."
				  "</strong> This meeting will not take place.</p>\n");
}

void handle_meeting(Req *r)
{
	Meeting *m = meeting_from_id_path(r);
	if (!m)
		return;
	page_begin(r, m->number ? arena_printf(r->arena, "Meeting #%lld: %s", (long long)m->number,
					       m->title)
				: m->title);
	meeting_heading(r, m);
	if (m->community_id && !community_readable(r, m->community_id)) {
		/* A private community's meeting: the calendar shows that it happens, not its
		 * link, place, agenda or materials. */
		html(&r->out, "<p>%s</p>\n<p class=\"notice\">%s is a private community: its "
			      "meetings' details, agenda, highlights and materials are for its "
			      "participants and facilitators.</p>\n",
		     format_when(r, m->starts_at, m->ends_at), m->community_name);
		page_end(r);
		return;
	}
	if (meeting_can_manage(r, m)) {
		const char *base = meeting_manage_url(r, m);
		html(&r->out, "<div class=\"actions\"><a class=\"button secondary\" href=\"%s/edit\">"
			      "Edit</a> <a class=\"button secondary\" href=\"%s/sign-in-sheet\">Sign-in "
			      "sheet</a> ",
		     base, base);
		if (!m->cancelled)
			button_form(r, arena_printf(r->arena, "%s/cancel", base), "Cancel this meeting",
				    "secondary danger");
		else
			button_form(r, arena_printf(r->arena, "%s/restore", base),
				    "Put this meeting back on the schedule", "secondary");
		html_raw(&r->out, "</div>\n");
	}
	meeting_details(r, m);
	if (*m->purpose) {
		html_raw(&r->out, "<section aria-labelledby=\"h-purpose\">\n<h2 id=\"h-purpose\">"
				  "Purpose</h2>\n");
		markdown_html(&r->out, m->purpose);
		html_raw(&r->out, "</section>\n");
	}
	for (size_t i = 0; i < sizeof meeting_sections / sizeof *meeting_sections; i++)
		meeting_sections[i](r, m);
	page_end(r);
}

/* ---- lists ---- */

/* One <li> of a meeting list. */
static void meeting_item(Req *r, const Meeting *m)
{
	html(&r->out, "<li class=\"meeting-item%s\"><a href=\"/meetings/%lld\">",
	     m->cancelled ? " cancelled" : "", (long long)m->id);
	if (m->number)
		html(&r->out, "Meeting #%lld: ", (long long)m->number);
	html(&r->out, "%s</a> <span class=\"meta\">%s · %s</span>", m->title,
	     format_when(r, m->starts_at, m->ends_at), meeting_format_label(m->format));
	if (m->cancelled)
		html_raw(&r->out, " <span class=\"badge\">Cancelled</span>");
	html_raw(&r->out, "</li>\n");
}

/* Writes the meetings of community_id that end after now (upcoming) or before (past);
 * at most limit. Returns how many. */
static int meeting_list(Req *r, int64_t community_id, bool upcoming, int limit)
{
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT " MEETING_COLUMNS "FROM meetings m LEFT JOIN communities c ON "
		       "c.id = m.community_id WHERE m.community_id = :c AND "
		       "(CASE WHEN :up THEN m.ends_at >= :now ELSE m.ends_at < :now END) "
		       "ORDER BY CASE WHEN :up THEN m.starts_at ELSE -m.starts_at END, m.id LIMIT :n");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":up", upcoming);
	db_bind_int(st, ":now", time(NULL));
	db_bind_int(st, ":n", limit);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<ul class=\"meeting-list\">\n");
		meeting_item(r, read_meeting(r, st));
	}
	if (n)
		html_raw(&r->out, "</ul>\n");
	sqlite3_reset(st);
	return n;
}

void meetings_upcoming_section(Req *r, int64_t community_id, const char *slug, bool manage)
{
	html_raw(&r->out, "<section aria-labelledby=\"h-upcoming\">\n<h2 id=\"h-upcoming\">"
			  "Upcoming meetings</h2>\n");
	if (!meeting_list(r, community_id, true, 5))
		html_raw(&r->out, "<p>No meetings are scheduled yet.</p>\n");
	html(&r->out, "<p><a href=\"/communities/%s/meetings\">All meetings</a>", slug);
	if (manage)
		html(&r->out, " · <a href=\"/communities/%s/meetings/new\">Schedule a meeting</a>", slug);
	html_raw(&r->out, "</p>\n</section>\n");
}

const char *meeting_next_date(Req *r, int64_t community_id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT starts_at FROM meetings WHERE community_id = "
					     ":c AND status = 'scheduled' AND ends_at >= :now "
					     "ORDER BY starts_at LIMIT 1");
	db_bind_int(st, ":c", community_id);
	db_bind_int(st, ":now", time(NULL));
	const char *s = NULL;
	if (db_step(st) == SQLITE_ROW) {
		time_t t = (time_t)db_col_int(st, 0);
		struct tm tm;
		char day[64];
		localtime_r(&t, &tm);
		strftime(day, sizeof day, "%A, %B %-d, %Y", &tm);
		s = arena_strdup(r->arena, day);
	}
	sqlite3_reset(st);
	return s;
}

void handle_community_meetings(Req *r)
{
	Community *c = community_from_path(r);
	if (!c)
		return;
	bool manage = r->user->is_admin ||
		      community_role(r->db, c->slug, r->user->id) == COMMUNITY_FACILITATOR;
	page_begin(r, arena_printf(r->arena, "Meetings of %s", c->name));
	html(&r->out, "<p class=\"meta\"><a href=\"/communities/%s\">%s</a></p>\n"
		      "<h1>Meetings</h1>\n", c->slug, c->name);
	if (manage)
		html(&r->out, "<p><a class=\"button secondary\" href=\"/communities/%s/meetings/new\">"
			      "Schedule a meeting or series</a></p>\n", c->slug);
	html_raw(&r->out, "<h2>Upcoming</h2>\n");
	if (!meeting_list(r, c->id, true, 500))
		html_raw(&r->out, "<p>No meetings are scheduled yet.</p>\n");
	html_raw(&r->out, "<h2>Past</h2>\n");
	if (!meeting_list(r, c->id, false, 500))
		html_raw(&r->out, "<p>No past meetings.</p>\n");
	page_end(r);
}

/* ---- scheduling, editing and cancelling ---- */

static const char *const formats[] = {"in_person", "virtual", "hybrid", NULL};
static const char *const repeats[] = {"none", "weekly", "monthly", NULL};
#define SERIES_MAX 60

typedef struct {
	const char *title, *number, *date, *start, *end, *format, *venue, *address, *video,
		*purpose, *seats, *repeat, *until;
	bool mandatory;
	const char *e_title, *e_number, *e_date, *e_start, *e_end, *e_format, *e_venue, *e_address,
		*e_video, *e_seats, *e_repeat, *e_until;
	int errors;
	int64_t starts, ends;
	char dates[SERIES_MAX][11]; /* the series' dates, the first one included */
	int ndates;
	const char *rule;
} MeetingForm;

static void select_options(Req *r, const char *name, const char *label, const char *const *values,
			   const char *const *labels, const char *value, const char *error)
{
	html(&r->out, "<div class=\"field%s\"><label for=\"f-%s\">%s</label>\n",
	     error ? " has-error" : "", name, label);
	if (error)
		html(&r->out, "<p class=\"field-error\" id=\"f-%s-error\">%s</p>\n", name, error);
	html(&r->out, "<select id=\"f-%s\" name=\"%s\">", name, name);
	for (int i = 0; values[i]; i++)
		html(&r->out, value && !strcmp(value, values[i]) ? "<option value=\"%s\" selected>%s"
								     "</option>"
								   : "<option value=\"%s\">%s</option>",
		     values[i], labels[i]);
	html_raw(&r->out, "</select></div>\n");
}

static void meeting_form(Req *r, const char *action, const MeetingForm *f, bool create)
{
	static const char *const format_labels[] = {"In person", "Virtual",
						    "Hybrid (in person and online)"};
	static const char *const repeat_labels[] = {
		"Does not repeat", "Every week on the same weekday",
		"Every month on the same weekday (e.g. 2nd Tuesday)"};
	Buf *o = &r->out;
	form_error_summary(r, f->errors);
	form_begin(r, action);
	form_input(r, "title", "Title", "text", f->title, f->e_title, "off");
	form_input(r, "number", create ? "Meeting number (\"Meeting #3\"; a series counts on from "
					 "it; empty for none)"
				       : "Meeting number (empty for none)",
		   "text", f->number, f->e_number, "off");
	form_input(r, "date", create ? "Date (YYYY-MM-DD; the first date of a series)"
				     : "Date (YYYY-MM-DD)",
		   "date", f->date, f->e_date, "off");
	form_input(r, "start", "Starts at (HH:MM, 24-hour)", "time", f->start, f->e_start, "off");
	form_input(r, "end", "Ends at (HH:MM, 24-hour)", "time", f->end, f->e_end, "off");
	select_options(r, "format", "Format", formats, format_labels, f->format, f->e_format);
	form_input(r, "venue", "Venue (in person)", "text", f->venue, f->e_venue, "off");
	form_input(r, "address", "Address", "text", f->address, f->e_address, "off");
	form_input(r, "video", "Video-call link (virtual; starting with https://)", "url", f->video,
		   f->e_video, "off");
	html(o, "<div class=\"field checkbox\"><input id=\"f-mandatory\" type=\"checkbox\" "
		"name=\"mandatory\" value=\"yes\"%s> <label for=\"f-mandatory\">Attendance is "
		"mandatory</label></div>\n",
	     f->mandatory ? " checked" : "");
	html(o, "<div class=\"field\"><label for=\"f-purpose\">Purpose</label>\n<p class=\"hint\" "
		"id=\"f-purpose-hint\">Markdown: **bold**, *italic*, lists with -, links as "
		"[text](https://...).</p>\n<textarea id=\"f-purpose\" name=\"purpose\" rows=\"6\" "
		"aria-describedby=\"f-purpose-hint\">%s</textarea></div>\n",
	     f->purpose);
	form_input(r, "seats", "Seat limit (empty for no limit)", "text", f->seats, f->e_seats, "off");
	if (create) {
		html_raw(o, "<fieldset><legend>Repeat</legend>\n");
		select_options(r, "repeat", "Repeats", repeats, repeat_labels, f->repeat, f->e_repeat);
		form_input(r, "until", "Last date of the series (YYYY-MM-DD)", "date", f->until,
			   f->e_until, "off");
		html(o, "<p class=\"hint\">A series makes up to %d meetings at once, numbered in "
			"order; each can be edited afterwards.</p>\n</fieldset>\n",
		     SERIES_MAX);
	}
	html(o, "<button type=\"submit\">%s</button>\n", create ? "Schedule" : "Save");
	form_end(r);
}

static bool one_line(const char *s, size_t max)
{
	return strlen(s) <= max && !strpbrk(s, "\r\n") && text_is_clean(s, strlen(s));
}

static void ymd(const char *iso, int *y, int *m, int *d)
{
	*y = atoi(iso);
	*m = atoi(iso + 5);
	*d = atoi(iso + 8);
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return days[m - 1] + (m == 2 && leap);
}

/* Weekday (0 = Sunday) of a date. */
static int weekday(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
	time_t t = timegm(&tm);
	gmtime_r(&t, &tm);
	return tm.tm_wday;
}

/* Fills f->dates from f->date, f->repeat and f->until; false when there would be more than
 * SERIES_MAX. */
static bool series_dates(Req *r, MeetingForm *f)
{
	static const char *const days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
					   "Thursday", "Friday", "Saturday"};
	static const char *const ordinals[] = {"1st", "2nd", "3rd", "4th", "5th"};
	int y, m, d;
	ymd(f->date, &y, &m, &d);
	int wd = weekday(y, m, d), nth = (d - 1) / 7;
	f->ndates = 0;
	for (int i = 0; i < 1000; i++) {
		char iso[11];
		if (!strcmp(f->repeat, "weekly")) {
			struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + 7 * i,
					.tm_hour = 12};
			time_t t = timegm(&tm);
			gmtime_r(&t, &tm);
			strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
		} else if (!strcmp(f->repeat, "monthly")) {
			int mm = (m - 1 + i) % 12 + 1, yy = y + (m - 1 + i) / 12;
			int day = 1 + (wd - weekday(yy, mm, 1) + 7) % 7 + 7 * nth;
			if (day > days_in_month(yy, mm))
				continue; /* no 5th Tuesday this month */
			struct tm tm = {.tm_year = yy - 1900, .tm_mon = mm - 1, .tm_mday = day};
			strftime(iso, sizeof iso, "%Y-%m-%d", &tm);
		} else {
			snprintf(iso, sizeof iso, "%s", f->date);
		}
		if (i > 0 && (!strcmp(f->repeat, "none") || strcmp(iso, f->until) > 0))
			break;
		if (f->ndates == SERIES_MAX)
			return false;
		memcpy(f->dates[f->ndates++], iso, sizeof iso);
	}
	if (!strcmp(f->repeat, "weekly"))
		f->rule = arena_printf(r->arena, "Weekly on %ss until %s", days[wd],
				       format_day(r, f->until));
	else if (!strcmp(f->repeat, "monthly"))
		f->rule = arena_printf(r->arena, "Monthly on the %s %s until %s", ordinals[nth],
				       days[wd], format_day(r, f->until));
	return true;
}

static void read_meeting_form(Req *r, MeetingForm *f, bool create)
{
	Arena *a = r->arena;
	f->title = trimmed(a, req_form(r, "title"));
	f->number = trimmed(a, req_form(r, "number"));
	f->date = trimmed(a, req_form(r, "date"));
	f->start = trimmed(a, req_form(r, "start"));
	f->end = trimmed(a, req_form(r, "end"));
	f->format = req_form_or(r, "format", "");
	f->venue = trimmed(a, req_form(r, "venue"));
	f->address = trimmed(a, req_form(r, "address"));
	f->video = trimmed(a, req_form(r, "video"));
	f->purpose = req_form_or(r, "purpose", "");
	f->seats = trimmed(a, req_form(r, "seats"));
	f->mandatory = !strcmp(req_form_or(r, "mandatory", ""), "yes");
	f->repeat = create ? req_form_or(r, "repeat", "none") : "none";
	f->until = create ? trimmed(a, req_form(r, "until")) : "";

	if (!*f->title || !one_line(f->title, 200))
		f->e_title = "Enter a title of at most 200 characters on one line.";
	if (*f->number && (!parse_id(f->number) || parse_id(f->number) > 999))
		f->e_number = "Enter a whole number from 1 to 999, or leave it empty.";
	f->e_date = check_date(f->date);
	f->e_start = check_clock(f->start);
	f->e_end = check_clock(f->end);
	if (!f->e_date && !f->e_start && !f->e_end) {
		if (!local_time(f->date, f->start, &f->starts) ||
		    !local_time(f->date, f->end, &f->ends))
			f->e_start = "This time does not exist on that date (a clock change).";
		else if (f->ends <= f->starts)
			f->e_end = "The meeting must end after it starts.";
	}
	if (!one_of(f->format, formats))
		f->e_format = "Choose in person, virtual or hybrid.";
	if (!one_line(f->venue, 200))
		f->e_venue = "Enter at most 200 characters on one line.";
	if (!one_line(f->address, 300))
		f->e_address = "Enter at most 300 characters on one line.";
	if (*f->video && (strlen(f->video) > 500 || strpbrk(f->video, " \t\"<>") ||
			  !text_is_clean(f->video, strlen(f->video)) ||
			  !((!strncmp(f->video, "https://", 8) && f->video[8]) ||
			    (!strncmp(f->video, "http://", 7) && f->video[7]))))
		f->e_video = "Enter a link starting with https:// (or http://), or leave it empty.";
	if (*f->seats && (!parse_id(f->seats) || parse_id(f->seats) > 100000))
		f->e_seats = "Enter a whole number of seats, or leave it empty for no limit.";
	if (!one_of(f->repeat, repeats))
		f->e_repeat = "Choose how the meeting repeats.";
	else if (strcmp(f->repeat, "none") != 0) {
		if ((f->e_until = check_date(f->until)) == NULL && !f->e_date) {
			if (strcmp(f->until, f->date) <= 0)
				f->e_until = "The last date must be after the first date.";
			else if (!series_dates(r, f))
				f->e_until = "A series has at most 60 meetings: choose an earlier "
					     "last date.";
		}
	}
	if (!f->e_date && !f->e_repeat && !f->e_until && !strcmp(f->repeat, "none"))
		series_dates(r, f);
	f->errors = !!f->e_title + !!f->e_number + !!f->e_date + !!f->e_start + !!f->e_end +
		    !!f->e_format + !!f->e_venue + !!f->e_address + !!f->e_video + !!f->e_seats +
		    !!f->e_repeat + !!f->e_until;
}

/* Binds v, or NULL when v is 0. */
static void bind_id(sqlite3_stmt *st, const char *name, int64_t v)
{
	if (v)
		db_bind_int(st, name, v);
	else
		db_bind_text(st, name, NULL);
}

static void bind_meeting(sqlite3_stmt *st, const MeetingForm *f)
{
	db_bind_text(st, ":title", f->title);
	db_bind_int(st, ":starts", f->starts);
	db_bind_int(st, ":ends", f->ends);
	db_bind_text(st, ":format", f->format);
	db_bind_text(st, ":venue", f->venue);
	db_bind_text(st, ":address", f->address);
	db_bind_text(st, ":video", f->video);
	db_bind_int(st, ":mandatory", f->mandatory);
	db_bind_text(st, ":purpose", f->purpose);
	bind_id(st, ":seats", parse_id(f->seats));
}

static const char *signin_code(Req *r)
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I/L */
	char *s = arena_alloc(r->arena, 7);
	for (int i = 0; i < 6; i++)
		s[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	return s;
}

/* One notification for a new meeting or a whole new series (count meetings from first), to
 * the community's people, or to every member for an association-wide meeting. */
static void notify_new_meetings(Req *r, int64_t first, int count)
{
	Meeting *m = meeting_load(r, first);
	if (!m)
		return;
	const char *where = *m->community_name ? m->community_name : "All communities";
	const char *text =
		count > 1 ? arena_printf(r->arena, "%s: new series “%s”, %d meetings from %s", where,
					 m->title, count, format_date(r, m->starts_at))
			  : arena_printf(r->arena, "%s: new meeting “%s” on %s", where, m->title,
					 format_when(r, m->starts_at, m->ends_at));
	const char *link = count > 1 && m->community_id
				   ? arena_printf(r->arena, "/communities/%s/meetings", m->community_slug)
				   : meeting_url(r, m);
	notify_community(r->db, m->community_id, r->user->id, "meeting", text, link);
}

/* Inserts the form's meeting, or its whole series, in one transaction. Returns the first
 * meeting's id, 0 on failure. */
static int64_t insert_meetings(Req *r, int64_t community_id, MeetingForm *f)
{
	if (!db_begin(r->db))
		return 0;
	int64_t series = 0, first = 0;
	bool ok = true;
	if (f->ndates > 1) {
		sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO meeting_series (community_id, title, "
						     "rule, created_at) VALUES (:c, :title, :rule, :now)");
		bind_id(st, ":c", community_id);
		db_bind_text(st, ":title", f->title);
		db_bind_text(st, ":rule", f->rule);
		db_bind_int(st, ":now", time(NULL));
		ok = db_run(st);
		series = db_last_id(r->db);
	}
	int64_t base = *f->number ? parse_id(f->number) : f->ndates > 1 ? 1 : 0;
	for (int i = 0; ok && i < f->ndates; i++) {
		if (!local_time(f->dates[i], f->start, &f->starts) ||
		    !local_time(f->dates[i], f->end, &f->ends) || f->ends <= f->starts) {
			ok = false;
			break;
		}
		sqlite3_stmt *st = db_prepare(
			r->db, "INSERT INTO meetings (community_id, series_id, number, title, starts_at, "
			       "ends_at, format, venue, address, video_url, mandatory, purpose, "
			       "seat_limit, signin_code, uid, sequence, created_by, created_at, "
			       "updated_at) VALUES (:c, :series, :number, :title, :starts, :ends, "
			       ":format, :venue, :address, :video, :mandatory, :purpose, :seats, "
			       ":code, :uid, 0, :by, :now, :now)");
		bind_meeting(st, f);
		bind_id(st, ":c", community_id);
		bind_id(st, ":series", series);
		bind_id(st, ":number", base ? base + i : 0);
		db_bind_text(st, ":code", signin_code(r));
		db_bind_text(st, ":uid", arena_printf(r->arena, "%s@practica", random_token(r->arena, 18)));
		db_bind_int(st, ":by", r->user->id);
		db_bind_int(st, ":now", time(NULL));
		ok = db_run(st);
		if (i == 0)
			first = db_last_id(r->db);
		if (ok)
			search_index_meeting(r->db, db_last_id(r->db));
	}
	if (ok)
		notify_new_meetings(r, first, f->ndates);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		return 0;
	}
	return first;
}

/* The new-meeting page for community c, or association-wide when c is NULL. */
static void new_meeting_page(Req *r, const Community *c, const MeetingForm *f)
{
	page_begin(r, "Schedule a meeting");
	if (c)
		html(&r->out, "<p class=\"meta\"><a href=\"/communities/%s\">%s</a> · <a href=\""
			      "/communities/%s/meetings\">Meetings</a></p>\n",
		     c->slug, c->name, c->slug);
	else
		html_raw(&r->out, "<p class=\"meta\"><a href=\"/admin\">Admin</a></p>\n");
	html(&r->out, "<h1>Schedule a meeting%s</h1>\n", c ? "" : " for the whole association");
	html(&r->out, "<p class=\"hint\">Dates and times are in the association's time zone (%s)."
		      "</p>\n", config.timezone);
	meeting_form(r, c ? arena_printf(r->arena, "/communities/%s/meetings", c->slug)
			  : "/admin/meetings",
		     f, true);
	page_end(r);
}

static void new_meeting(Req *r, const Community *c)
{
	MeetingForm f = {.format = "in_person", .repeat = "none", .start = "15:00", .end = "16:30"};
	sqlite3_stmt *st = db_prepare(r->db, "SELECT coalesce(max(number), 0) + 1 FROM meetings "
					     "WHERE community_id IS :c");
	bind_id(st, ":c", c ? c->id : 0);
	if (db_step(st) == SQLITE_ROW)
		f.number = arena_printf(r->arena, "%lld", (long long)db_col_int(st, 0));
	sqlite3_reset(st);
	new_meeting_page(r, c, &f);
}

static void create_meeting(Req *r, const Community *c)
{
	MeetingForm f = {0};
	read_meeting_form(r, &f, true);
	if (f.errors) {
		r->status = 422;
		new_meeting_page(r, c, &f);
		return;
	}
	int64_t id = insert_meetings(r, c ? c->id : 0, &f);
	if (!id) {
		resp_error(r, 503, "The meeting could not be saved just now. Please try again.");
		return;
	}
	if (f.ndates > 1 && c)
		resp_redirect(r, arena_printf(r->arena, "/communities/%s/meetings?notice="
							"series-created", c->slug));
	else
		resp_redirect(r, arena_printf(r->arena, "/meetings/%lld?notice=%s", (long long)id,
					      f.ndates > 1 ? "series-created" : "meeting-created"));
}

void handle_meeting_new(Req *r)
{
	Community *c = community_from_path(r);
	if (c)
		new_meeting(r, c);
}

void handle_meeting_create(Req *r)
{
	Community *c = community_from_path(r);
	if (c)
		create_meeting(r, c);
}

void handle_admin_meeting_new(Req *r)
{
	new_meeting(r, NULL);
}

void handle_admin_meeting_create(Req *r)
{
	create_meeting(r, NULL);
}

static void edit_meeting_page(Req *r, const Meeting *m, const MeetingForm *f)
{
	page_begin(r, arena_printf(r->arena, "Edit %s", m->title));
	html(&r->out, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>Edit the meeting</h1>\n",
	     meeting_url(r, m), m->title);
	if (m->cancelled)
		html_raw(&r->out, "<p class=\"cancelled-note\">This meeting is cancelled.</p>\n");
	meeting_form(r, arena_printf(r->arena, "%s/edit", meeting_manage_url(r, m)), f, false);
	page_end(r);
}

void handle_meeting_edit(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	time_t a = (time_t)m->starts_at, b = (time_t)m->ends_at;
	struct tm ta, tb;
	localtime_r(&a, &ta);
	localtime_r(&b, &tb);
	char date[16], start[8], end[8];
	strftime(date, sizeof date, "%Y-%m-%d", &ta);
	strftime(start, sizeof start, "%H:%M", &ta);
	strftime(end, sizeof end, "%H:%M", &tb);
	MeetingForm f = {
		.title = m->title, .date = arena_strdup(r->arena, date),
		.number = m->number ? arena_printf(r->arena, "%lld", (long long)m->number) : "",
		.start = arena_strdup(r->arena, start), .end = arena_strdup(r->arena, end),
		.format = m->format, .venue = m->venue, .address = m->address,
		.video = m->video_url, .mandatory = m->mandatory, .purpose = m->purpose,
		.seats = m->seat_limit ? arena_printf(r->arena, "%lld", (long long)m->seat_limit) : "",
	};
	edit_meeting_page(r, m, &f);
}

void handle_meeting_update(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	MeetingForm f = {0};
	read_meeting_form(r, &f, false);
	if (f.errors) {
		r->status = 422;
		edit_meeting_page(r, m, &f);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The meeting could not be saved just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "UPDATE meetings SET title = :title, number = :number, "
					     "starts_at = :starts, ends_at = :ends, format = :format, "
					     "venue = :venue, address = :address, video_url = :video, "
					     "mandatory = :mandatory, purpose = :purpose, "
					     "seat_limit = :seats WHERE id = :id");
	bind_meeting(st, &f);
	bind_id(st, ":number", parse_id(f.number));
	db_bind_int(st, ":id", m->id);
	bool ok = db_run(st);
	if (ok)
		meeting_touch(r->db, m->id);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The meeting could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "%s?notice=meeting-saved", meeting_url(r, m)));
}

/* Cancels a scheduled meeting or puts a cancelled one back on the schedule (a mistaken
 * cancel, or plans that changed again): the meeting stays where it was, its calendar
 * entries follow (sequence bumped), and the people it concerns are told either way. */
static void set_cancelled(Req *r, bool cancel)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	const char *failed = cancel ? "The meeting could not be cancelled just now. Please try again."
				    : "The meeting could not be restored just now. Please try again.";
	if (!db_begin(r->db)) {
		resp_error(r, 503, failed);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "UPDATE meetings SET status = :to WHERE id = :id AND "
					     "status = :from");
	db_bind_text(st, ":to", cancel ? "cancelled" : "scheduled");
	db_bind_text(st, ":from", cancel ? "scheduled" : "cancelled");
	db_bind_int(st, ":id", m->id);
	if (!db_run(st) || db_changes(r->db) != 1) {
		db_rollback(r->db);
		resp_error(r, 409, cancel ? "This meeting is already cancelled."
					  : "This meeting is not cancelled.");
		return;
	}
	meeting_touch(r->db, m->id);
	const char *where = *m->community_name ? m->community_name : "All communities";
	notify_community(r->db, m->community_id, r->user->id, "meeting",
			 arena_printf(r->arena, "%s: “%s” on %s is %s", where, m->title,
				      format_when(r, m->starts_at, m->ends_at),
				      cancel ? "cancelled" : "back on the schedule"),
			 meeting_url(r, m));
	if (!db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, failed);
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "%s?notice=%s", meeting_url(r, m),
				      cancel ? "meeting-cancelled" : "meeting-restored"));
	audit(r, cancel ? "meeting.cancel" : "meeting.restore", "meeting #%lld %s",
	      (long long)m->id, m->title);
}

void handle_meeting_cancel(Req *r)
{
	set_cancelled(r, true);
}

void handle_meeting_restore(Req *r)
{
	set_cancelled(r, false);
}
