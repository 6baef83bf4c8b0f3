/* Member schools and other member organizations: the members' list and the admin pages to
 * add, edit and lapse them. A lapsed school's staff lose member access (see auth.c). */
#include <string.h>
#include <time.h>

#include "audit.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "validate.h"

static const char *const school_kinds[] = {"school", "network", "partner", NULL};
static const char *const school_statuses[] = {"active", "lapsed", NULL};

void handle_schools(Req *r)
{
	page_begin(r, "Member schools");
	html_raw(&r->out, "<h1>Member schools</h1>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT s.name, s.kind, s.city, "
		       "(SELECT count(*) FROM users u WHERE u.school_id = s.id AND u.status = 'active') "
		       "FROM schools s WHERE s.status = 'active' ORDER BY s.name");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<table>\n<thead><tr><th scope=\"col\">Name</th>"
					  "<th scope=\"col\">Kind</th><th scope=\"col\">City</th>"
					  "<th scope=\"col\">Members here</th></tr></thead>\n<tbody>\n");
		html(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%lld</td></tr>\n",
		     db_col_text(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		     (long long)db_col_int(st, 3));
	}
	if (n)
		html_raw(&r->out, "</tbody>\n</table>\n");
	else
		html_raw(&r->out, "<p>No member schools yet.</p>\n");
	page_end(r);
}

typedef struct {
	const char *name, *kind, *city, *status;
	const char *e_name, *e_kind, *e_city, *e_status;
} SchoolForm;

static void school_fields(Req *r, const SchoolForm *f)
{
	form_input(r, "name", "Name", "text", f->name, f->e_name, "off");
	form_select(r, "kind", "Kind", school_kinds, f->kind, f->e_kind);
	form_input(r, "city", "City", "text", f->city, f->e_city, "off");
	form_select(r, "status", "Membership", school_statuses, f->status, f->e_status);
}

static int read_school_form(Req *r, SchoolForm *f)
{
	f->name = trimmed(r->arena, req_form(r, "name"));
	f->kind = req_form_or(r, "kind", "");
	f->city = trimmed(r->arena, req_form(r, "city"));
	f->status = req_form_or(r, "status", "");
	f->e_name = check_school_name(f->name);
	f->e_kind = one_of(f->kind, school_kinds) ? NULL : "Choose school, network or partner.";
	f->e_status = one_of(f->status, school_statuses) ? NULL : "Choose active or lapsed.";
	f->e_city = strlen(f->city) > 100 ? "Enter a city of at most 100 characters." : NULL;
	return !!f->e_name + !!f->e_kind + !!f->e_status + !!f->e_city;
}

static void admin_schools_page(Req *r, const SchoolForm *f, int errors)
{
	page_begin(r, "Member schools");
	html_raw(&r->out, "<h1>Member schools</h1>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT s.id, s.name, s.kind, s.city, s.status, "
		       "(SELECT count(*) FROM users u WHERE u.school_id = s.id AND u.status = 'active') "
		       "FROM schools s ORDER BY s.status, s.name");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<table>\n<thead><tr><th scope=\"col\">Name</th>"
					  "<th scope=\"col\">Kind</th><th scope=\"col\">City</th>"
					  "<th scope=\"col\">Membership</th><th scope=\"col\">Members</th>"
					  "</tr></thead>\n<tbody>\n");
		html(&r->out,
		     "<tr><td><a href=\"/admin/schools/%lld\">%s</a></td><td>%s</td><td>%s</td>"
		     "<td>%s</td><td>%lld</td></tr>\n",
		     (long long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		     db_col_text(st, 3), db_col_text(st, 4), (long long)db_col_int(st, 5));
	}
	if (n)
		html_raw(&r->out, "</tbody>\n</table>\n");
	else
		html_raw(&r->out, "<p>No schools yet. Add the first below.</p>\n");
	html_raw(&r->out, "<h2 id=\"add\">Add a school</h2>\n");
	form_error_summary(r, errors);
	form_begin(r, "/admin/schools");
	school_fields(r, f);
	html_raw(&r->out, "<button type=\"submit\">Add school</button>\n");
	form_end(r);
	page_end(r);
}

void handle_admin_schools(Req *r)
{
	SchoolForm f = {.kind = "school", .status = "active"};
	admin_schools_page(r, &f, 0);
}

void handle_admin_school_create(Req *r)
{
	SchoolForm f = {0};
	int errors = read_school_form(r, &f);
	if (!errors) {
		sqlite3_stmt *st = db_prepare(r->db, "INSERT INTO schools (name, kind, city, status, "
						     "created_at) VALUES (:name, :kind, :city, "
						     ":status, :now)");
		db_bind_text(st, ":name", f.name);
		db_bind_text(st, ":kind", f.kind);
		db_bind_text(st, ":city", f.city);
		db_bind_text(st, ":status", f.status);
		db_bind_int(st, ":now", time(NULL));
		if (db_run(st)) {
			resp_redirect(r, "/admin/schools?notice=school-added");
			audit(r, "school.create", "school %s (%s, %s)", f.name, f.kind, f.status);
			return;
		}
		f.e_name = "A school with this name already exists.";
		errors = 1;
	}
	r->status = 422;
	admin_schools_page(r, &f, errors);
}

static void school_edit_page(Req *r, int64_t id, const SchoolForm *f, int errors)
{
	page_begin(r, f->name);
	html(&r->out, "<p><a href=\"/admin/schools\">Member schools</a></p>\n<h1>%s</h1>\n", f->name);
	form_error_summary(r, errors);
	form_begin(r, arena_printf(r->arena, "/admin/schools/%lld", (long long)id));
	school_fields(r, f);
	html_raw(&r->out, "<p class=\"hint\">Setting membership to lapsed suspends member access "
			  "for this school's staff until it is active again.</p>\n"
			  "<button type=\"submit\">Save</button>\n");
	form_end(r);
	page_end(r);
}

void handle_admin_school(Req *r)
{
	int64_t id = req_param_id(r, 0);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT name, kind, city, status FROM schools "
					     "WHERE id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no such school.");
		return;
	}
	SchoolForm f = {
		.name = arena_strdup(r->arena, db_col_text(st, 0)),
		.kind = arena_strdup(r->arena, db_col_text(st, 1)),
		.city = arena_strdup(r->arena, db_col_text(st, 2)),
		.status = arena_strdup(r->arena, db_col_text(st, 3)),
	};
	school_edit_page(r, id, &f, 0);
}

void handle_admin_school_update(Req *r)
{
	int64_t id = req_param_id(r, 0);
	sqlite3_stmt *st = db_prepare(r->db, "SELECT 1 FROM schools WHERE id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) != SQLITE_ROW) {
		resp_error(r, 404, "There is no such school.");
		return;
	}
	SchoolForm f = {0};
	int errors = read_school_form(r, &f);
	if (!errors) {
		st = db_prepare(r->db, "UPDATE schools SET name = :name, kind = :kind, city = :city, "
				       "status = :status WHERE id = :id");
		db_bind_text(st, ":name", f.name);
		db_bind_text(st, ":kind", f.kind);
		db_bind_text(st, ":city", f.city);
		db_bind_text(st, ":status", f.status);
		db_bind_int(st, ":id", id);
		if (db_run(st)) {
			resp_redirect(r, "/admin/schools?notice=school-saved");
			audit(r, "school.update", "school #%lld now %s (%s, %s)", (long long)id, f.name, f.kind, f.status);
			return;
		}
		f.e_name = "Another school already has this name.";
		errors = 1;
	}
	r->status = 422;
	school_edit_page(r, id, &f, errors);
}
