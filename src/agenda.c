/* A meeting's agenda: ordered items with an optional clock time, duration, kind (welcome,
 * problem of practice, wellness break...), presenters (members or guests, as written), room
 * ("Superintendents: Room A") and notes. Facilitators add, move and delete items on the
 * meeting page. Also the printable agenda, and the printable sign-in sheet listing who said
 * they are going (or else the community's participants) with room for walk-ins. */
#include "audit.h"
#include "agenda.h"

#include <string.h>
#include <time.h>

#include "handlers.h"
#include "html.h"
#include "markdown.h"
#include "page.h"
#include "validate.h"

static const char *const kinds[] = {"welcome",    "presentation",   "problem_of_practice",
				    "breakout",   "discussion",     "wellness_break",
				    "field_trip", "other",          NULL};
static const char *const kind_labels[] = {"Welcome",    "Presentation",   "Problem of practice",
					  "Breakout",   "Discussion",     "Wellness break",
					  "Field trip", "Other"};
#define WALK_IN_ROWS 10

static const char *kind_label(const char *kind)
{
	for (int i = 0; kinds[i]; i++)
		if (!strcmp(kinds[i], kind))
			return kind_labels[i];
	return "Other";
}

typedef struct {
	const char *title, *kind, *start, *minutes, *presenters, *room, *notes;
	const char *e_title, *e_kind, *e_start, *e_minutes, *e_presenters, *e_room, *e_notes;
	int errors;
	int64_t starts; /* 0 when no clock time */
} ItemForm;

static void agenda_form(Req *r, const Meeting *m, const ItemForm *f)
{
	Buf *o = &r->out;
	form_error_summary(r, f->errors);
	form_begin(r, arena_printf(r->arena, "%s/agenda", meeting_manage_url(r, m)));
	form_input(r, "title", "Item", "text", f->title, f->e_title, "off");
	html(o, "<div class=\"field%s\"><label for=\"f-kind\">Kind</label>\n",
	     f->e_kind ? " has-error" : "");
	if (f->e_kind)
		html(o, "<p class=\"field-error\">%s</p>\n", f->e_kind);
	html_raw(o, "<select id=\"f-kind\" name=\"kind\">");
	for (int i = 0; kinds[i]; i++)
		html(o, f->kind && !strcmp(f->kind, kinds[i]) ? "<option value=\"%s\" selected>%s"
								"</option>"
							      : "<option value=\"%s\">%s</option>",
		     kinds[i], kind_labels[i]);
	html_raw(o, "</select></div>\n");
	form_input(r, "start", "Starts at (HH:MM, optional)", "time", f->start, f->e_start, "off");
	form_input(r, "minutes", "Duration in minutes (optional)", "text", f->minutes, f->e_minutes,
		   "off");
	form_input(r, "presenters", "Presenters (members or guests)", "text", f->presenters,
		   f->e_presenters, "off");
	form_input(r, "room", "Room (e.g. \"Superintendents: Room A\")", "text", f->room, f->e_room,
		   "off");
	html(o, "<div class=\"field%s\"><label for=\"f-notes\">Notes</label>\n",
	     f->e_notes ? " has-error" : "");
	if (f->e_notes)
		html(o, "<p class=\"field-error\">%s</p>\n", f->e_notes);
	html(o, "<textarea id=\"f-notes\" name=\"notes\" rows=\"3\">%s</textarea></div>\n",
	     f->notes);
	html_raw(o, "<button type=\"submit\">Add to the agenda</button>\n");
	form_end(r);
}

/* The items of meeting m. With manage, each has Up, Down and Delete buttons. */
static int agenda_items(Req *r, const Meeting *m, bool manage)
{
	Buf *o = &r->out;
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT id, coalesce(starts_at, 0), coalesce(minutes, 0), title, kind, "
		       "presenters, room, notes FROM agenda_items WHERE meeting_id = :m "
		       "ORDER BY position, id");
	db_bind_int(st, ":m", m->id);
	const char *base = meeting_manage_url(r, m);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(o, "<ol class=\"agenda\">\n");
		int64_t id = db_col_int(st, 0), at = db_col_int(st, 1), min = db_col_int(st, 2);
		const char *kind = db_col_text(st, 4);
		html(o, "<li class=\"agenda-item kind-%s\"><p class=\"agenda-when\">", kind);
		if (at)
			html(o, "<span class=\"agenda-time\">%s</span> ", format_time(r, at));
		if (min)
			html(o, "<span class=\"agenda-minutes\">%lld min</span>", (long long)min);
		html(o, "</p>\n<p><strong class=\"agenda-title\">%s</strong> <span class=\"agenda-kind\">"
			"%s</span></p>\n",
		     db_col_text(st, 3), kind_label(kind));
		if (*db_col_text(st, 5))
			html(o, "<p class=\"agenda-presenters\">With %s</p>\n", db_col_text(st, 5));
		if (*db_col_text(st, 6))
			html(o, "<p class=\"agenda-room\">Room: %s</p>\n", db_col_text(st, 6));
		if (*db_col_text(st, 7))
			html(o, "<p class=\"agenda-notes\">%s</p>\n", db_col_text(st, 7));
		if (manage) {
			html_raw(o, "<div class=\"agenda-actions no-print\">");
			const char *item = arena_printf(r->arena, "%s/agenda/%lld", base, (long long)id);
			button_form(r, arena_printf(r->arena, "%s/up", item), "Move up", "secondary");
			button_form(r, arena_printf(r->arena, "%s/down", item), "Move down", "secondary");
			button_form(r, arena_printf(r->arena, "%s/delete", item), "Delete",
				    "secondary danger");
			html_raw(o, "</div>\n");
		}
		html_raw(o, "</li>\n");
	}
	if (n)
		html_raw(o, "</ol>\n");
	sqlite3_reset(st);
	return n;
}

void agenda_section(Req *r, const Meeting *m)
{
	bool manage = meeting_can_manage(r, m);
	html(&r->out, "<section id=\"agenda\" aria-labelledby=\"h-agenda\">\n<h2 id=\"h-agenda\">"
		      "Agenda</h2>\n<p><a href=\"%s/agenda\">Printable agenda</a></p>\n",
	     meeting_url(r, m));
	if (!agenda_items(r, m, manage))
		html_raw(&r->out, "<p>The agenda has not been posted yet.</p>\n");
	if (manage) {
		html_raw(&r->out, "<h3>Add an agenda item</h3>\n");
		ItemForm f = {.kind = "presentation"};
		agenda_form(r, m, &f);
	}
	html_raw(&r->out, "</section>\n");
}

/* ---- changing the agenda ---- */

static const char *limit_text(const char *s, size_t max, bool lines)
{
	if (strlen(s) > max || (!lines && strpbrk(s, "\r\n")))
		return lines ? "Enter at most 2000 characters." : "Enter at most 200 characters on "
								   "one line.";
	return NULL;
}

static void read_item_form(Req *r, const Meeting *m, ItemForm *f)
{
	f->title = trimmed(r->arena, req_form(r, "title"));
	f->kind = req_form_or(r, "kind", "");
	f->start = trimmed(r->arena, req_form(r, "start"));
	f->minutes = trimmed(r->arena, req_form(r, "minutes"));
	f->presenters = trimmed(r->arena, req_form(r, "presenters"));
	f->room = trimmed(r->arena, req_form(r, "room"));
	f->notes = trimmed(r->arena, req_form(r, "notes"));
	f->e_title = !*f->title ? "Enter what this item is." : limit_text(f->title, 200, false);
	if (!one_of(f->kind, kinds))
		f->e_kind = "Choose a kind of item.";
	if (*f->start && !(f->e_start = check_clock(f->start))) {
		time_t t = (time_t)m->starts_at;
		struct tm tm;
		char date[16];
		localtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		if (!local_time(date, f->start, &f->starts))
			f->e_start = "This time does not exist on the meeting's date.";
	}
	if (*f->minutes && (!parse_id(f->minutes) || parse_id(f->minutes) > 1440))
		f->e_minutes = "Enter a whole number of minutes (at most 1440), or leave it empty.";
	f->e_presenters = limit_text(f->presenters, 200, false);
	f->e_room = limit_text(f->room, 200, false);
	f->e_notes = limit_text(f->notes, 2000, true);
	f->errors = !!f->e_title + !!f->e_kind + !!f->e_start + !!f->e_minutes + !!f->e_presenters +
		    !!f->e_room + !!f->e_notes;
}

static void agenda_done(Req *r, const Meeting *m, const char *notice)
{
	resp_redirect(r, arena_printf(r->arena, "%s?notice=%s#agenda", meeting_url(r, m), notice));
}

void handle_agenda_add(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	ItemForm f = {0};
	read_item_form(r, m, &f);
	if (f.errors) {
		r->status = 422;
		page_begin(r, arena_printf(r->arena, "Add an agenda item: %s", m->title));
		html(&r->out, "<p class=\"meta\"><a href=\"%s\">%s</a></p>\n<h1>Add an agenda item"
			      "</h1>\n", meeting_url(r, m), m->title);
		agenda_form(r, m, &f);
		page_end(r);
		return;
	}
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The agenda could not be saved just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(
		r->db, "INSERT INTO agenda_items (meeting_id, position, starts_at, minutes, title, "
		       "kind, presenters, room, notes) VALUES (:m, (SELECT coalesce(max(position), 0) "
		       "+ 1 FROM agenda_items WHERE meeting_id = :m), :starts, :minutes, :title, "
		       ":kind, :presenters, :room, :notes)");
	db_bind_int(st, ":m", m->id);
	if (f.starts)
		db_bind_int(st, ":starts", f.starts);
	else
		db_bind_text(st, ":starts", NULL);
	if (*f.minutes)
		db_bind_int(st, ":minutes", parse_id(f.minutes));
	else
		db_bind_text(st, ":minutes", NULL);
	db_bind_text(st, ":title", f.title);
	db_bind_text(st, ":kind", f.kind);
	db_bind_text(st, ":presenters", f.presenters);
	db_bind_text(st, ":room", f.room);
	db_bind_text(st, ":notes", f.notes);
	bool ok = db_run(st);
	if (ok)
		meeting_touch(r->db, m->id);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The agenda could not be saved just now. Please try again.");
		return;
	}
	agenda_done(r, m, "agenda-added");
}

void handle_agenda_delete(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The agenda could not be saved just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "DELETE FROM agenda_items WHERE id = :id AND "
					     "meeting_id = :m");
	db_bind_int(st, ":id", req_param_id(r, r->nparams - 1));
	db_bind_int(st, ":m", m->id);
	if (!db_run(st) || db_changes(r->db) != 1) {
		db_rollback(r->db);
		resp_error(r, 404, "That item is not on this meeting's agenda.");
		return;
	}
	meeting_touch(r->db, m->id);
	if (!db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The agenda could not be saved just now. Please try again.");
		return;
	}
	audit(r, "agenda.delete", "agenda item #%lld of meeting #%lld", (long long)req_param_id(r, r->nparams - 1), (long long)m->id);
	agenda_done(r, m, "agenda-deleted");
}

/* Swaps the item with its neighbour above (up) or below; the first item cannot move up nor
 * the last down (nothing changes). */
static void agenda_move(Req *r, bool up)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	int64_t id = req_param_id(r, r->nparams - 1);
	if (!db_begin(r->db)) {
		resp_error(r, 503, "The agenda could not be saved just now. Please try again.");
		return;
	}
	sqlite3_stmt *st = db_prepare(r->db, "SELECT position FROM agenda_items WHERE id = :id AND "
					     "meeting_id = :m");
	db_bind_int(st, ":id", id);
	db_bind_int(st, ":m", m->id);
	if (db_step(st) != SQLITE_ROW) {
		db_rollback(r->db);
		resp_error(r, 404, "That item is not on this meeting's agenda.");
		return;
	}
	int64_t pos = db_col_int(st, 0);
	sqlite3_reset(st);
	st = db_prepare(r->db, "SELECT id, position FROM agenda_items WHERE meeting_id = :m AND "
			       "CASE WHEN :up THEN position < :p ELSE position > :p END "
			       "ORDER BY CASE WHEN :up THEN -position ELSE position END LIMIT 1");
	db_bind_int(st, ":m", m->id);
	db_bind_int(st, ":up", up);
	db_bind_int(st, ":p", pos);
	bool ok = true;
	if (db_step(st) == SQLITE_ROW) {
		int64_t other = db_col_int(st, 0), other_pos = db_col_int(st, 1);
		sqlite3_reset(st);
		st = db_prepare(r->db, "UPDATE agenda_items SET position = :p WHERE id = :id");
		db_bind_int(st, ":p", other_pos);
		db_bind_int(st, ":id", id);
		ok = db_run(st);
		st = db_prepare(r->db, "UPDATE agenda_items SET position = :p WHERE id = :id");
		db_bind_int(st, ":p", pos);
		db_bind_int(st, ":id", other);
		ok = ok && db_run(st);
		if (ok)
			meeting_touch(r->db, m->id);
	}
	sqlite3_reset(st);
	if (!ok || !db_commit(r->db)) {
		db_rollback(r->db);
		resp_error(r, 503, "The agenda could not be saved just now. Please try again.");
		return;
	}
	agenda_done(r, m, "agenda-moved");
}

void handle_agenda_up(Req *r)
{
	agenda_move(r, true);
}

void handle_agenda_down(Req *r)
{
	agenda_move(r, false);
}

/* ---- printable pages ---- */

/* Title block of a printable page: heading, community, details. */
static void print_heading(Req *r, const Meeting *m, const char *what)
{
	html(&r->out, "<p class=\"no-print\"><a href=\"%s\">Back to the meeting</a> · Use your "
		      "browser's Print command to print this page.</p>\n<article class=\"printable\">\n"
		      "<h1>%s: ",
	     meeting_url(r, m), what);
	if (m->number)
		html(&r->out, "Meeting #%lld, ", (long long)m->number);
	html(&r->out, "%s</h1>\n<p class=\"lead\">%s%s</p>\n", m->title,
	     m->community_id ? m->community_name : "Association-wide meeting",
	     m->cancelled ? " (cancelled)" : "");
	meeting_details(r, m);
}

void handle_agenda_print(Req *r)
{
	Meeting *m = meeting_from_id_path(r);
	if (!m)
		return;
	page_begin(r, arena_printf(r->arena, "Agenda: %s", m->title));
	print_heading(r, m, "Agenda");
	if (m->community_id) {
		sqlite3_stmt *st = db_prepare(
			r->db, "SELECT coalesce(u.name, f.guest_name), coalesce(s.name, f.guest_org, '') "
			       "FROM facilitators f LEFT JOIN users u ON u.id = f.user_id LEFT JOIN "
			       "schools s ON s.id = u.school_id WHERE f.community_id = :c "
			       "ORDER BY f.role, f.id");
		db_bind_int(st, ":c", m->community_id);
		int n = 0;
		while (db_step(st) == SQLITE_ROW) {
			html(&r->out, "%s%s", n++ ? ", " : "<p>Facilitators: ", db_col_text(st, 0));
			if (*db_col_text(st, 1))
				html(&r->out, " (%s)", db_col_text(st, 1));
		}
		if (n)
			html_raw(&r->out, "</p>\n");
		sqlite3_reset(st);
	}
	if (*m->purpose)
		markdown_html(&r->out, m->purpose);
	html_raw(&r->out, "<h2>Agenda</h2>\n");
	if (!agenda_items(r, m, false))
		html_raw(&r->out, "<p>The agenda has not been posted yet.</p>\n");
	html_raw(&r->out, "</article>\n");
	page_end(r);
}

static void sheet_row(Req *r, int n, const char *name, const char *school)
{
	html(&r->out, "<tr><td>%d</td><td>%s</td><td>%s</td><td class=\"signature\"></td></tr>\n", n,
	     name, school);
}

void handle_sign_in_sheet(Req *r)
{
	Meeting *m = meeting_managed_from_path(r);
	if (!m)
		return;
	sqlite3_stmt *st = db_prepare(r->db, "SELECT count(*) FROM rsvps WHERE meeting_id = :m AND "
					     "answer = 'going'");
	db_bind_int(st, ":m", m->id);
	bool rsvps = db_step(st) == SQLITE_ROW && db_col_int(st, 0) > 0;
	sqlite3_reset(st);
	page_begin(r, arena_printf(r->arena, "Sign-in sheet: %s", m->title));
	print_heading(r, m, "Sign-in sheet");
	html(&r->out, "<table class=\"sign-in-sheet\">\n<caption>%s</caption>\n<thead><tr>"
		      "<th scope=\"col\">#</th><th scope=\"col\">Name</th><th scope=\"col\">School"
		      "</th><th scope=\"col\">Signature</th></tr></thead>\n<tbody>\n",
	     rsvps ? "Members who said they are going, then blank rows for walk-ins."
	     : m->community_id ? "The community's participants, then blank rows for walk-ins."
			       : "Blank rows for those attending.");
	if (rsvps)
		st = db_prepare(r->db, "SELECT u.name, coalesce(s.name, '') FROM rsvps v JOIN users u "
				       "ON u.id = v.user_id LEFT JOIN schools s ON s.id = u.school_id "
				       "WHERE v.meeting_id = :m AND v.answer = 'going' "
				       "ORDER BY u.name COLLATE NOCASE, u.id");
	else
		st = db_prepare(r->db, "SELECT u.name, coalesce(s.name, '') FROM memberships p JOIN "
				       "users u ON u.id = p.user_id LEFT JOIN schools s ON "
				       "s.id = u.school_id WHERE p.community_id = :c AND "
				       "p.status = 'participant' ORDER BY u.name COLLATE NOCASE, u.id");
	if (rsvps)
		db_bind_int(st, ":m", m->id);
	else
		db_bind_int(st, ":c", m->community_id);
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		n++;
		sheet_row(r, n, db_col_text(st, 0), db_col_text(st, 1));
	}
	sqlite3_reset(st);
	for (int i = 0; i < (m->community_id || rsvps ? WALK_IN_ROWS : 2 * WALK_IN_ROWS); i++)
		sheet_row(r, ++n, "", "");
	html_raw(&r->out, "</tbody>\n</table>\n</article>\n");
	page_end(r);
}
