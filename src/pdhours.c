/* Professional-development hours: the signed-in member's attended meetings (cancelled ones do
 * not count), each worth its length (ends_at - starts_at), summed per program year; and a
 * printable certificate for one year. A meeting belongs to the program year whose
 * starts_on..ends_on contains the meeting's local date (the association's time zone: SQLite's
 * 'localtime' follows the TZ that config_apply_timezone() set); meetings in no program year
 * are grouped under "Other" (certificate: ?year=other). */
#include <string.h>
#include <time.h>

#include "attendance.h"
#include "brand.h"
#include "config.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

/* Columns: year id (0: Other), year name, meeting id, title, community, starts_at, seconds. */
#define PD_MEETINGS                                                                           \
	"SELECT coalesce(y.id, 0), coalesce(y.name, 'Other'), m.id, m.title, "                   \
	"coalesce(c.name, 'Association-wide'), m.starts_at, m.ends_at - m.starts_at "            \
	"FROM attendance a JOIN meetings m ON m.id = a.meeting_id "                               \
	"LEFT JOIN communities c ON c.id = m.community_id "                                       \
	"LEFT JOIN program_years y ON y.id = (SELECT p.id FROM program_years p WHERE "            \
	"date(m.starts_at, 'unixepoch', 'localtime') BETWEEN p.starts_on AND p.ends_on "          \
	"ORDER BY p.starts_on DESC LIMIT 1) "                                                     \
	"WHERE a.user_id = :u AND m.status = 'scheduled' "

typedef struct PdRow {
	struct PdRow *next;
	int64_t year_id, meeting_id, starts_at, seconds;
	const char *year, *title, *community;
} PdRow;

/* The rows of a PD_MEETINGS statement, in order, in the request arena. */
static PdRow *read_rows(Req *r, sqlite3_stmt *st)
{
	PdRow *head = NULL, **tail = &head;
	while (db_step(st) == SQLITE_ROW) {
		PdRow *row = arena_alloc(r->arena, sizeof *row);
		row->year_id = db_col_int(st, 0);
		row->year = arena_strdup(r->arena, db_col_text(st, 1));
		row->meeting_id = db_col_int(st, 2);
		row->title = arena_strdup(r->arena, db_col_text(st, 3));
		row->community = arena_strdup(r->arena, db_col_text(st, 4));
		row->starts_at = db_col_int(st, 5);
		row->seconds = db_col_int(st, 6);
		*tail = row;
		tail = &row->next;
	}
	sqlite3_reset(st);
	return head;
}

/* Seconds as hours with one decimal: "1.5". */
static const char *hours(Req *r, int64_t seconds)
{
	int64_t tenths = (seconds + 180) / 360;
	return arena_printf(r->arena, "%lld.%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

/* The meetings from row on while they are in row's year, as a table; returns the next year's
 * first row. */
static const PdRow *year_table(Req *r, const PdRow *row)
{
	Buf *o = &r->out;
	int64_t year = row->year_id;
	html_raw(o, "<table class=\"report\">\n<thead><tr><th scope=\"col\">Date</th>"
		    "<th scope=\"col\">Meeting</th><th scope=\"col\">Community</th>"
		    "<th scope=\"col\">Hours</th></tr></thead>\n<tbody>\n");
	for (; row && row->year_id == year; row = row->next) {
		html(o, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
		     attendance_date(r, row->starts_at), row->title, row->community,
		     hours(r, row->seconds));
	}
	html_raw(o, "</tbody>\n</table>\n");
	return row;
}

static int64_t year_seconds(const PdRow *row, int *count)
{
	int64_t total = 0;
	*count = 0;
	for (int64_t year = row->year_id; row && row->year_id == year; row = row->next) {
		total += row->seconds;
		(*count)++;
	}
	return total;
}

void handle_pd_hours(Req *r)
{
	sqlite3_stmt *st = db_prepare(r->db, PD_MEETINGS "ORDER BY y.id IS NULL, y.starts_on "
						       "DESC, m.starts_at, m.id");
	db_bind_int(st, ":u", r->user->id);
	const PdRow *rows = read_rows(r, st);
	Buf *o = &r->out;
	page_begin(r, "My professional-development hours");
	html_raw(o, "<h1>My professional-development hours</h1>\n<p class=\"lead\">Each meeting "
		    "you attended counts for its length. Cancelled meetings do not count.</p>\n");
	if (!rows)
		html_raw(o, "<p>No attended meetings yet. When you sign in to a meeting, or its "
			    "facilitator marks you present, its hours appear here.</p>\n");
	for (const PdRow *row = rows; row;) {
		int count;
		int64_t total = year_seconds(row, &count);
		html(o, "<section class=\"pd-year\" aria-labelledby=\"h-year-%lld\">\n<h2 "
			"id=\"h-year-%lld\">%s%s</h2>\n<p class=\"pd-total\"><strong>%s hours</strong> "
			"from %d meeting%s. ",
		     (long long)row->year_id, (long long)row->year_id,
		     row->year_id ? "Program year " : "", row->year, hours(r, total), count,
		     count == 1 ? "" : "s");
		if (row->year_id)
			html(o, "<a href=\"/pd-hours/certificate?year=%lld\">Certificate for %s</a>",
			     (long long)row->year_id, row->year);
		else
			html_raw(o, "<a href=\"/pd-hours/certificate?year=other\">Certificate for "
				    "meetings outside a program year</a>");
		html_raw(o, "</p>\n");
		row = year_table(r, row);
		html_raw(o, "</section>\n");
	}
	page_end(r);
}

/* GET /pd-hours/certificate?year=ID (or year=other). */
void handle_pd_certificate(Req *r)
{
	const char *param = req_query(r, "year");
	int64_t year_id = param ? parse_id(param) : 0;
	const char *year_name = "outside a program year";
	if (!param || (!year_id && strcmp(param, "other") != 0)) {
		resp_error(r, 404, "Choose a program year on your PD hours page.");
		return;
	}
	if (year_id) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT name FROM program_years WHERE id = :y");
		db_bind_int(st, ":y", year_id);
		if (db_step(st) != SQLITE_ROW) {
			resp_error(r, 404, "There is no such program year.");
			return;
		}
		year_name = arena_printf(r->arena, "the program year %s", db_col_text(st, 0));
		sqlite3_reset(st);
	}
	sqlite3_stmt *st = db_prepare(r->db, PD_MEETINGS "AND coalesce(y.id, 0) = :y ORDER BY "
						       "m.starts_at, m.id");
	db_bind_int(st, ":u", r->user->id);
	db_bind_int(st, ":y", year_id);
	const PdRow *rows = read_rows(r, st);
	int count = 0;
	int64_t total = rows ? year_seconds(rows, &count) : 0;
	char today[11];
	today_iso(today);
	const User *u = r->user;
	Buf *o = &r->out;
	page_begin(r, "Certificate of professional development");
	html(o, "<p class=\"no-print\"><a href=\"/pd-hours\">My PD hours</a>. Use your browser's "
		"Print command to print this certificate or save it as a PDF.</p>\n"
		"<article class=\"certificate\">\n<p class=\"certificate-org\">%s</p>\n"
		"<h1>Certificate of Professional Development</h1>\n<p>This certifies that</p>\n"
		"<p class=\"certificate-name\">%s</p>\n",
	     brand_name(r), u->name);
	if (u->school_name && *u->school_name)
		html(o, "<p class=\"certificate-school\">%s</p>\n", u->school_name);
	html(o, "<p>completed <strong class=\"certificate-hours\">%s hours</strong> of professional "
		"development in %d Communities of Practice meeting%s during %s.</p>\n",
	     hours(r, total), count, count == 1 ? "" : "s", year_name);
	if (rows)
		year_table(r, rows);
	html(o, "<p class=\"certificate-issued\">Issued on %s by %s.</p>\n</article>\n",
	     format_day(r, today), brand_name(r));
	page_end(r);
}
