/* The program year and its timeline: admins create years and their key dates (milestones:
 * facilitator call opens, proposals due, sign-up opens, kick-off, deep-dive...), members see
 * the timeline with what is done, what is today and what comes next. Also the year's calls
 * for facilitator proposals: the list members see and the admin's page to open one. A call's
 * own page, its proposals and their review are in proposals.c. */
#include <string.h>
#include <time.h>

#include "audit.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

typedef struct {
	int64_t id;
	const char *name, *starts_on, *ends_on;
} Year;

/* Loads the year named by :id (parameter 0); answers 404 and returns NULL when there is none. */
static Year *year_from_path(Req *r)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name, starts_on, ends_on FROM "
					     "program_years WHERE id = :id");
	db_bind_int(st, ":id", req_param_id(r, 0));
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no program year at this address.");
		return NULL;
	}
	Year *y = arena_alloc(r->arena, sizeof *y);
	y->id = db_col_int(st, 0);
	y->name = arena_strdup(r->arena, db_col_text(st, 1));
	y->starts_on = arena_strdup(r->arena, db_col_text(st, 2));
	y->ends_on = arena_strdup(r->arena, db_col_text(st, 3));
	sqlite3_reset(st);
	return y;
}

/* ---- the timeline ---- */

typedef struct {
	const char *title, *on_date, *time_note, *place, *note;
	const char *e_title, *e_on_date, *e_time_note, *e_place, *e_note;
	int errors;
} MilestoneForm;

static void milestone_form(Req *r, const Year *y, const MilestoneForm *f)
{
	html_raw(&r->out, "<section aria-labelledby=\"h-add\">\n<h2 id=\"h-add\">Add a key date</h2>\n");
	form_error_summary(r, f->errors);
	form_begin(r, arena_printf(r->arena, "/admin/years/%lld/milestones", (long long)y->id));
	form_input(r, "title", "What happens (e.g. Facilitator proposals due)", "text", f->title,
		   f->e_title, "off");
	form_input(r, "on_date", "Date (YYYY-MM-DD)", "date", f->on_date, f->e_on_date, "off");
	form_input(r, "time_note", "Time (optional, e.g. 3:00 - 4:30 p.m. EST)", "text",
		   f->time_note, f->e_time_note, "off");
	form_input(r, "place", "Place (optional)", "text", f->place, f->e_place, "off");
	form_textarea(r, "note", "Note (optional)", f->note, f->e_note,
		       "e.g. Dates and timing vary for each participant group.");
	html_raw(&r->out, "<button type=\"submit\">Add key date</button>\n");
	form_end(r);
	html_raw(&r->out, "</section>\n");
}

static void year_calls(Req *r, const Year *y, const char *today)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, title, due_on FROM calls WHERE year_id = "
					     ":y ORDER BY due_on, id");
	db_bind_int(st, ":y", y->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<section aria-labelledby=\"h-calls\">\n<h2 id=\"h-calls\">"
					  "Calls for facilitator proposals</h2>\n<ul>\n");
		const char *due = db_col_text(st, 2);
		html(&r->out, "<li><a href=\"/calls/%lld\">%s</a> <span class=\"meta\">%s %s</span>"
			      "</li>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1),
		     strcmp(today, due) <= 0 ? "proposals due by" : "closed on", format_day(r, due));
	}
	if (n)
		html_raw(&r->out, "</ul>\n</section>\n");
}

static void other_years(Req *r, const Year *y)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name FROM program_years WHERE id != :y "
					     "ORDER BY starts_on DESC, id DESC");
	db_bind_int(st, ":y", y->id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<nav aria-label=\"Other program years\"><h2>Other program "
					  "years</h2>\n<ul>\n");
		html(&r->out, "<li><a href=\"/years/%lld\">%s</a></li>\n", (long long)db_col_int(st, 0),
		     db_col_text(st, 1));
	}
	if (n)
		html_raw(&r->out, "</ul></nav>\n");
}

static void year_page(Req *r, const Year *y, const MilestoneForm *f)
{
	char today[11];
	today_iso(today);
	bool admin = r->user->is_admin;
	Buf *o = &r->out;
	page_begin(r, arena_printf(r->arena, "Program year %s", y->name));
	html(o, "<h1>Program year %s</h1>\n<p class=\"lead\">From %s to %s.</p>\n", y->name,
	     format_day(r, y->starts_on), format_day(r, y->ends_on));
	if (admin)
		html_raw(o, "<p><a class=\"button secondary\" href=\"/admin/years\">Manage program "
			    "years</a> <a class=\"button secondary\" href=\"/admin/calls\">Calls for "
			    "proposals</a></p>\n");
	html(o, "<section aria-labelledby=\"h-timeline\">\n<h2 id=\"h-timeline\">Key dates</h2>\n"
		"<p class=\"meta\">Today is %s.</p>\n", format_day(r, today));
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, title, on_date, time_note, place, note "
					     "FROM milestones WHERE year_id = :y "
					     "ORDER BY on_date, id");
	db_bind_int(st, ":y", y->id);
	int n = 0;
	const char *next_date = NULL; /* the first date after today; every key date on it is next */
	while (db_step(st) == SQLITE_ROW) {
		const char *title = db_col_text(st, 1), *on = db_col_text(st, 2);
		const char *time_note = db_col_text(st, 3), *place = db_col_text(st, 4);
		const char *note = db_col_text(st, 5);
		int cmp = strcmp(on, today);
		if (cmp > 0 && !next_date)
			next_date = arena_strdup(r->arena, on);
		const char *cls, *label;
		if (cmp < 0)
			cls = "done", label = "Done";
		else if (cmp == 0)
			cls = "today", label = "Today";
		else if (!strcmp(on, next_date))
			cls = "next", label = "Next";
		else
			cls = "upcoming", label = "Coming up";
		if (n++ == 0)
			html_raw(o, "<ol class=\"timeline\">\n");
		html(o, "<li class=\"milestone milestone-%s\"", cls);
		if (cmp == 0)
			html_raw(o, " aria-current=\"date\"");
		html(o, ">\n<p class=\"milestone-status\">%s</p>\n<h3 class=\"milestone-title\">%s</h3>\n"
			"<p class=\"milestone-when\"><time datetime=\"%s\">%s</time>",
		     label, title, on, format_day(r, on));
		if (*time_note)
			html(o, ", %s", time_note);
		html_raw(o, "</p>\n");
		if (*place)
			html(o, "<p class=\"milestone-place\">%s</p>\n", place);
		if (*note)
			html(o, "<p class=\"milestone-note\">%s</p>\n", note);
		if (admin)
			button_form(r, arena_printf(r->arena, "/admin/milestones/%lld/delete",
						    (long long)db_col_int(st, 0)),
				    arena_printf(r->arena, "Delete “%s”", title), "danger");
		html_raw(o, "</li>\n");
	}
	if (n)
		html_raw(o, "</ol>\n");
	else
		html_raw(o, "<p>No key dates yet.</p>\n");
	html_raw(o, "</section>\n");
	year_calls(r, y, today);
	html_raw(o, "<p><a href=\"/calls\">Every call for facilitator proposals</a></p>\n");
	if (admin)
		milestone_form(r, y, f);
	other_years(r, y);
	page_end(r);
}

void handle_years(Req *r)
{
	char today[11];
	today_iso(today);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id FROM program_years ORDER BY "
					     "(starts_on <= :today AND ends_on >= :today) DESC, "
					     "starts_on DESC, id DESC LIMIT 1");
	db_bind_text(st, ":today", today);
	if (db_step(st) == SQLITE_ROW) {
		resp_redirect(r, arena_printf(r->arena, "/years/%lld", (long long)db_col_int(st, 0)));
		return;
	}
	page_begin(r, "Program year");
	html_raw(&r->out, "<h1>Program year</h1>\n<p class=\"lead\">There is no program year yet. "
			  "Its timeline of key dates will appear here.</p>\n");
	if (r->user->is_admin)
		html_raw(&r->out, "<p><a class=\"button\" href=\"/admin/years\">Create a program "
				  "year</a></p>\n");
	page_end(r);
}

void handle_year(Req *r)
{
	Year *y = year_from_path(r);
	if (!y)
		return;
	MilestoneForm f = {0};
	year_page(r, y, &f);
}

void handle_milestone_create(Req *r)
{
	Year *y = year_from_path(r);
	if (!y)
		return;
	MilestoneForm f = {
		.title = trimmed(r->arena, req_form(r, "title")),
		.on_date = trimmed(r->arena, req_form(r, "on_date")),
		.time_note = trimmed(r->arena, req_form(r, "time_note")),
		.place = trimmed(r->arena, req_form(r, "place")),
		.note = trimmed(r->arena, req_form(r, "note")),
	};
	f.e_title = check_text(r->arena, f.title, true, 200);
	f.e_on_date = check_date(f.on_date);
	f.e_time_note = check_text(r->arena, f.time_note, false, 200);
	f.e_place = check_text(r->arena, f.place, false, 200);
	f.e_note = check_text(r->arena, f.note, false, 2000);
	f.errors = !!f.e_title + !!f.e_on_date + !!f.e_time_note + !!f.e_place + !!f.e_note;
	if (f.errors) {
		r->status = 422;
		year_page(r, y, &f);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO milestones (year_id, title, on_date, "
					     "time_note, place, note) VALUES (:y, :title, :on, "
					     ":time_note, :place, :note)");
	db_bind_int(st, ":y", y->id);
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":on", f.on_date);
	db_bind_text(st, ":time_note", f.time_note);
	db_bind_text(st, ":place", f.place);
	db_bind_text(st, ":note", f.note);
	if (!db_run(st)) {
		resp_error(r, 503, "The key date could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/years/%lld?notice=milestone-added",
				      (long long)y->id));
}

void handle_milestone_delete(Req *r)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT year_id FROM milestones WHERE id = :id");
	db_bind_int(st, ":id", req_param_id(r, 0));
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "That key date does not exist (it may have been deleted already).");
		return;
	}
	int64_t year = db_col_int(st, 0);
	sqlite3_reset(st);
	st = db_prepare(r->db, "DELETE FROM milestones WHERE id = :id");
	db_bind_int(st, ":id", req_param_id(r, 0));
	if (!db_run(st)) {
		resp_error(r, 503, "The key date could not be deleted just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/years/%lld?notice=milestone-deleted",
				      (long long)year));
	audit(r, "milestone.delete", "key date #%lld of program year #%lld", (long long)req_param_id(r, 0), (long long)year);
}

/* ---- admin: program years ---- */

typedef struct {
	const char *name, *starts_on, *ends_on;
	const char *e_name, *e_starts_on, *e_ends_on;
	int errors;
} YearForm;

static void admin_years_page(Req *r, const YearForm *f)
{
	Buf *o = &r->out;
	page_begin(r, "Program years");
	html_raw(o, "<p class=\"meta\"><a href=\"/admin\">Admin</a></p>\n<h1>Program years</h1>\n");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT y.id, y.name, y.starts_on, y.ends_on, "
					     "(SELECT count(*) FROM milestones m WHERE m.year_id = "
					     "y.id) FROM program_years y ORDER BY y.starts_on DESC, "
					     "y.id DESC");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(o, "<table>\n<caption>Every program year</caption>\n<thead><tr>"
				    "<th scope=\"col\">Year</th><th scope=\"col\">Starts</th>"
				    "<th scope=\"col\">Ends</th><th scope=\"col\">Key dates</th>"
				    "</tr></thead>\n<tbody>\n");
		html(o, "<tr><th scope=\"row\"><a href=\"/years/%lld\">%s</a></th><td>%s</td>"
			"<td>%s</td><td>%lld</td></tr>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1),
		     format_day(r, db_col_text(st, 2)), format_day(r, db_col_text(st, 3)),
		     (long long)db_col_int(st, 4));
	}
	if (n)
		html_raw(o, "</tbody>\n</table>\n");
	else
		html_raw(o, "<p>No program years yet.</p>\n");
	html_raw(o, "<h2>New program year</h2>\n");
	form_error_summary(r, f->errors);
	form_begin(r, "/admin/years");
	form_input(r, "name", "Name (e.g. 2020-2021)", "text", f->name, f->e_name, "off");
	form_input(r, "starts_on", "Starts on (YYYY-MM-DD)", "date", f->starts_on, f->e_starts_on,
		   "off");
	form_input(r, "ends_on", "Ends on (YYYY-MM-DD)", "date", f->ends_on, f->e_ends_on, "off");
	html_raw(o, "<button type=\"submit\">Create program year</button>\n");
	form_end(r);
	page_end(r);
}

void handle_admin_years(Req *r)
{
	YearForm f = {0};
	admin_years_page(r, &f);
}

void handle_admin_year_create(Req *r)
{
	YearForm f = {
		.name = trimmed(r->arena, req_form(r, "name")),
		.starts_on = trimmed(r->arena, req_form(r, "starts_on")),
		.ends_on = trimmed(r->arena, req_form(r, "ends_on")),
	};
	f.e_name = !*f.name ? "Enter a name, e.g. 2020-2021."
		   : strlen(f.name) > 50 ? "Enter at most 50 characters."
					 : NULL;
	f.e_starts_on = check_date(f.starts_on);
	f.e_ends_on = check_date(f.ends_on);
	if (!f.e_starts_on && !f.e_ends_on && strcmp(f.starts_on, f.ends_on) > 0)
		f.e_ends_on = "The year cannot end before it starts.";
	f.errors = !!f.e_name + !!f.e_starts_on + !!f.e_ends_on;
	if (f.errors) {
		r->status = 422;
		admin_years_page(r, &f);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO program_years (name, starts_on, ends_on, "
					     "created_at) VALUES (:name, :starts, :ends, :now)");
	db_bind_text(st, ":name", f.name);
	db_bind_text(st, ":starts", f.starts_on);
	db_bind_text(st, ":ends", f.ends_on);
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st)) {
		f.e_name = "There is already a program year with this name.";
		f.errors = 1;
		r->status = 409;
		admin_years_page(r, &f);
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/years/%lld?notice=year-created",
				      (long long)db_last_id(r->db)));
	audit(r, "year.create", "program year %s", f.name);
}

/* ---- admin: calls for facilitator proposals ---- */

typedef struct {
	const char *year, *title, *description, *expectations, *stipend, *due_on;
	const char *e_year, *e_title, *e_description, *e_expectations, *e_stipend, *e_due_on;
	int errors;
} CallForm;

static int year_select(Req *r, const char *value, const char *error)
{
	Buf *o = &r->out;
	html(o, "<div class=\"field%s\"><label for=\"f-year\">Program year</label>\n",
	     error ? " has-error" : "");
	if (error)
		html(o, "<p class=\"field-error\" id=\"f-year-error\">%s</p>\n", error);
	html_raw(o, "<select id=\"f-year\" name=\"year\">");
	sqlite3_stmt *st = db_prepare(r->db, "SELECT id, name FROM program_years ORDER BY "
					     "starts_on DESC, id DESC");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		const char *id = db_col_text(st, 0);
		if (value && !strcmp(value, id))
			html(o, "<option value=\"%s\" selected>%s</option>", id, db_col_text(st, 1));
		else
			html(o, "<option value=\"%s\">%s</option>", id, db_col_text(st, 1));
		n++;
	}
	html_raw(o, "</select></div>\n");
	return n;
}

static void admin_calls_page(Req *r, const CallForm *f)
{
	char today[11];
	today_iso(today);
	Buf *o = &r->out;
	page_begin(r, "Calls for facilitator proposals");
	html_raw(o, "<p class=\"meta\"><a href=\"/admin\">Admin</a></p>\n"
		    "<h1>Calls for facilitator proposals</h1>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT c.id, c.title, y.name, c.due_on, (SELECT count(*) FROM proposals p "
		       "WHERE p.call_id = c.id), (SELECT count(*) FROM proposals p WHERE "
		       "p.call_id = c.id AND p.status = 'submitted') FROM calls c JOIN "
		       "program_years y ON y.id = c.year_id ORDER BY c.due_on DESC, c.id DESC");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(o, "<table>\n<caption>Every call</caption>\n<thead><tr>"
				    "<th scope=\"col\">Call</th><th scope=\"col\">Year</th>"
				    "<th scope=\"col\">Proposals due by</th>"
				    "<th scope=\"col\">Proposals</th></tr></thead>\n<tbody>\n");
		const char *due = db_col_text(st, 3);
		html(o, "<tr><th scope=\"row\"><a href=\"/calls/%lld\">%s</a></th><td>%s</td>"
			"<td>%s%s</td><td>%lld (%lld awaiting a decision)</td></tr>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		     format_day(r, due), strcmp(today, due) > 0 ? " (closed)" : "",
		     (long long)db_col_int(st, 4), (long long)db_col_int(st, 5));
	}
	if (n)
		html_raw(o, "</tbody>\n</table>\n");
	else
		html_raw(o, "<p>No calls yet.</p>\n");
	html_raw(o, "<h2>Open a call</h2>\n");
	form_error_summary(r, f->errors);
	form_begin(r, "/admin/calls");
	if (!year_select(r, f->year, f->e_year))
		html_raw(o, "<p class=\"hint\">There is no program year yet: <a href=\"/admin/years\">"
			    "create one first</a>.</p>\n");
	form_input(r, "title", "Title (e.g. Facilitator RFP 2020-2021)", "text", f->title,
		   f->e_title, "off");
	form_textarea(r, "description", "Description", f->description, f->e_description,
		       "Markdown: **bold**, *italic*, lists with -, links as [text](https://...).");
	form_textarea(r, "expectations", "What facilitators commit to", f->expectations,
		       f->e_expectations,
		       "Markdown, e.g. - July 9: attend the virtual orientation and training");
	form_input(r, "stipend", "Stipend (e.g. $7,000)", "text", f->stipend, f->e_stipend, "off");
	form_input(r, "due_on", "Proposals due by (last day accepted, YYYY-MM-DD)", "date",
		   f->due_on, f->e_due_on, "off");
	html_raw(o, "<button type=\"submit\">Open the call</button>\n");
	form_end(r);
	page_end(r);
}

void handle_admin_calls(Req *r)
{
	CallForm f = {0};
	admin_calls_page(r, &f);
}

void handle_admin_call_create(Req *r)
{
	CallForm f = {
		.year = req_form_or(r, "year", ""),
		.title = trimmed(r->arena, req_form(r, "title")),
		.description = trimmed(r->arena, req_form(r, "description")),
		.expectations = trimmed(r->arena, req_form(r, "expectations")),
		.stipend = trimmed(r->arena, req_form(r, "stipend")),
		.due_on = trimmed(r->arena, req_form(r, "due_on")),
	};
	int64_t year = parse_id(f.year);
	if (year) {
		sqlite3_stmt *st = db_prepare(r->db, "SELECT 1 FROM program_years WHERE id = :id");
		db_bind_int(st, ":id", year);
		if (db_step(st) != SQLITE_ROW)
			year = 0;
		sqlite3_reset(st);
	}
	f.e_year = year ? NULL : "Choose a program year.";
	f.e_title = check_text(r->arena, f.title, true, 200);
	f.e_description = check_text(r->arena, f.description, false, 20000);
	f.e_expectations = check_text(r->arena, f.expectations, false, 20000);
	f.e_stipend = check_text(r->arena, f.stipend, false, 100);
	f.e_due_on = check_date(f.due_on);
	f.errors = !!f.e_year + !!f.e_title + !!f.e_description + !!f.e_expectations +
		   !!f.e_stipend + !!f.e_due_on;
	if (f.errors) {
		r->status = 422;
		admin_calls_page(r, &f);
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO calls (year_id, title, description, "
					     "expectations, stipend, due_on, created_at) VALUES "
					     "(:y, :title, :description, :expectations, :stipend, "
					     ":due, :now)");
	db_bind_int(st, ":y", year);
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":description", f.description);
	db_bind_text(st, ":expectations", f.expectations);
	db_bind_text(st, ":stipend", f.stipend);
	db_bind_text(st, ":due", f.due_on);
	db_bind_int(st, ":now", time(NULL));
	if (!db_run(st)) {
		resp_error(r, 503, "The call could not be saved just now. Please try again.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "/calls/%lld?notice=call-opened",
				      (long long)db_last_id(r->db)));
	audit(r, "call.create", "call for proposals %s", f.title);
}

void handle_calls(Req *r)
{
	char today[11];
	today_iso(today);
	Buf *o = &r->out;
	page_begin(r, "Calls for facilitator proposals");
	html_raw(o, "<h1>Calls for facilitator proposals</h1>\n<p class=\"lead\">Lead a Community "
		    "of Practice: answer a call with a proposal before its due date.</p>\n");
	if (r->user->is_admin)
		html_raw(o, "<p><a class=\"button secondary\" href=\"/admin/calls\">Open a call</a>"
			    "</p>\n");
	/* Open calls first, soonest due first; then closed ones, latest first. */
	sqlite3_stmt *st = db_prepare(r->db, "SELECT c.id, c.title, y.name, c.due_on, c.stipend "
					     "FROM calls c JOIN program_years y ON y.id = c.year_id "
					     "ORDER BY c.due_on < :today, CASE WHEN c.due_on >= "
					     ":today THEN c.due_on END, c.due_on DESC, c.id DESC");
	db_bind_text(st, ":today", today);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		const char *due = db_col_text(st, 3), *stipend = db_col_text(st, 4);
		if (n++ == 0)
			html_raw(o, "<ul class=\"call-list\">\n");
		html(o, "<li><h2><a href=\"/calls/%lld\">%s</a></h2>\n<p class=\"meta\">Program year "
			"%s. ",
		     (long long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2));
		if (strcmp(today, due) <= 0)
			html(o, "<strong>Open:</strong> proposals due by %s.", format_day(r, due));
		else
			html(o, "Closed on %s.", format_day(r, due));
		if (*stipend)
			html(o, " Stipend: %s.", stipend);
		html_raw(o, "</p></li>\n");
	}
	if (n)
		html_raw(o, "</ul>\n");
	else
		html_raw(o, "<p>There are no calls for proposals yet.</p>\n");
	page_end(r);
}
