/* Association staff's pages for people: the dashboard, the approval queue and the user list
 * with its actions (approve, decline, role, disable, enable). */
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "handlers.h"
#include "html.h"
#include "page.h"
#include "users.h"
#include "validate.h"

#define USERS_PER_PAGE 50

static int64_t count_of(Req *r, const char *sql)
{
	sqlite3_stmt *st = db_prepare(r->db, sql);
	return db_step(st) == SQLITE_ROW ? db_col_int(st, 0) : 0;
}

void handle_admin(Req *r)
{
	int64_t pending = count_of(r, "SELECT count(*) FROM users WHERE status = 'pending'");
	int64_t active = count_of(r, "SELECT count(*) FROM users WHERE status = 'active'");
	int64_t disabled = count_of(r, "SELECT count(*) FROM users WHERE status = 'disabled' "
					     "AND deleted_at IS NULL");
	int64_t schools = count_of(r, "SELECT count(*) FROM schools WHERE status = 'active'");
	int64_t lapsed = count_of(r, "SELECT count(*) FROM schools WHERE status = 'lapsed'");
	page_begin(r, "Administration");
	html(&r->out,
	     "<h1>Administration</h1>\n<ul class=\"cards\">\n"
	     "<li><a href=\"/admin/pending\"><strong>%lld</strong> waiting for approval</a></li>\n"
	     "<li><a href=\"/admin/users\"><strong>%lld</strong> active accounts</a>"
	     " <span class=\"meta\">(%lld disabled)</span></li>\n"
	     "<li><a href=\"/admin/schools\"><strong>%lld</strong> member schools</a>"
	     " <span class=\"meta\">(%lld lapsed)</span></li>\n</ul>\n",
	     (long long)pending, (long long)active, (long long)disabled, (long long)schools,
	     (long long)lapsed);
	/* Every admin page is reachable from here, not only by knowing its address. */
	html_raw(&r->out,
		 "<h2>The program year</h2>\n<ul>\n"
		 "<li><a href=\"/admin/years\">Program years and key dates</a></li>\n"
		 "<li><a href=\"/admin/calls\">Calls for facilitator proposals</a></li>\n"
		 "<li><a href=\"/admin/communities/new\">New community</a></li>\n"
		 "<li><a href=\"/admin/meetings/new\">New meeting for all communities</a></li>\n"
		 "<li><a href=\"/admin/attendance\">Attendance reports</a></li>\n</ul>\n"
		 "<h2>Accountability</h2>\n<ul>\n"
		 "<li><a href=\"/admin/audit\">Audit log</a></li>\n</ul>\n"
		 "<h2>The association</h2>\n<ul>\n"
		 "<li><a href=\"/admin/branding\">Name, logo and accent colour</a></li>\n"
		 "<li><a href=\"/admin/library\">Library categories</a></li>\n</ul>\n"
		 "<h2>The server</h2>\n<ul>\n"
		 "<li><a href=\"/admin/system\">System status: versions, database size and "
		 "memory</a></li>\n</ul>\n");
	page_end(r);
}

void handle_admin_pending(Req *r)
{
	page_begin(r, "Waiting for approval");
	html_raw(&r->out, "<h1>Waiting for approval</h1>\n");
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT u.id, u.name, u.email, u.job_title, s.name, s.status, u.created_at "
		       "FROM users u JOIN schools s ON s.id = u.school_id "
		       "WHERE u.status = 'pending' ORDER BY u.created_at, u.id");
	int n = 0;
	while (db_step(st) == SQLITE_ROW) {
		if (n++ == 0)
			html_raw(&r->out, "<table>\n<caption>Registrations, oldest first</caption>\n"
					  "<thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Email</th>"
					  "<th scope=\"col\">Job title</th><th scope=\"col\">School</th>"
					  "<th scope=\"col\">Registered</th><th scope=\"col\">Decision</th>"
					  "</tr></thead>\n<tbody>\n");
		int64_t id = db_col_int(st, 0);
		bool lapsed = !strcmp(db_col_text(st, 5), "lapsed");
		html(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s%s</td><td>%s</td><td>",
		     db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
		     lapsed ? " (membership lapsed)" : "", format_date(r, db_col_int(st, 6)));
		button_form(r, arena_printf(r->arena, "/admin/users/%lld/approve", (long long)id),
			    "Approve", NULL);
		button_form(r, arena_printf(r->arena, "/admin/users/%lld/decline", (long long)id),
			    "Decline", "secondary");
		html_raw(&r->out, "</td></tr>\n");
	}
	if (n)
		html_raw(&r->out, "</tbody>\n</table>\n");
	else
		html_raw(&r->out, "<p>No one is waiting. New registrations appear here.</p>\n");
	page_end(r);
}

static void after_action(Req *r, bool ok, const char *notice, const char *back)
{
	if (!ok) {
		resp_error(r, 409, "That change could not be made: the account may have changed "
				   "meanwhile. Go back and reload the page.");
		return;
	}
	resp_redirect(r, arena_printf(r->arena, "%s?notice=%s", back, notice));
}

/* Records a successful action on account id in the audit log; returns ok. */
static bool audited(Req *r, bool ok, const char *action, int64_t id, const char *detail)
{
	if (ok)
		audit_user(r, action, id, "%s", detail);
	return ok;
}

static bool user_exists(Req *r, int64_t id)
{
	sqlite3_stmt *st = db_prepare(r->db, "SELECT 1 FROM users WHERE id = :id");
	db_bind_int(st, ":id", id);
	if (db_step(st) == SQLITE_ROW)
		return true;
	resp_error(r, 404, "There is no such account.");
	return false;
}

void handle_admin_approve(Req *r)
{
	int64_t id = req_param_id(r, 0);
	if (user_exists(r, id))
		after_action(r, audited(r, user_approve(r->db, id, r->user->id), "user.approve", id,
					"registration approved"), "approved", "/admin/pending");
}

void handle_admin_decline(Req *r)
{
	int64_t id = req_param_id(r, 0);
	/* Logged first, in one transaction with the decline, while the name can still be read. */
	if (user_exists(r, id) && db_begin(r->db)) {
		audit_user(r, "user.decline", id, "registration declined and removed");
		after_action(r, user_decline(r->db, id) && db_commit(r->db), "declined",
			     "/admin/pending");
	}
}

/* Admins may not lock themselves out: no disabling or demoting one's own account. */
static bool not_self(Req *r, int64_t id)
{
	if (id != r->user->id)
		return true;
	resp_error(r, 409, "You cannot change your own role or disable your own account. "
			   "Ask another administrator.");
	return false;
}

void handle_admin_role(Req *r)
{
	int64_t id = req_param_id(r, 0);
	const char *role = req_form(r, "role");
	static const char *const roles[] = {"admin", "member", NULL};
	if (!user_exists(r, id) || !not_self(r, id))
		return;
	if (!one_of(role, roles)) {
		resp_error(r, 400, "Choose a role: admin or member.");
		return;
	}
	after_action(r, audited(r, user_set_admin(r->db, id, !strcmp(role, "admin")), "user.role", id,
				!strcmp(role, "admin") ? "made admin" : "made member"),
		     "role", "/admin/users");
}

void handle_admin_disable(Req *r)
{
	int64_t id = req_param_id(r, 0);
	if (user_exists(r, id) && not_self(r, id))
		after_action(r, audited(r, user_set_disabled(r->db, id, true), "user.disable", id,
					"account disabled, signed out everywhere"),
			     "disabled", "/admin/users");
}

void handle_admin_enable(Req *r)
{
	int64_t id = req_param_id(r, 0);
	if (user_exists(r, id))
		after_action(r, audited(r, user_set_disabled(r->db, id, false), "user.enable", id,
					"account enabled"), "enabled", "/admin/users");
}

void handle_admin_users(Req *r)
{
	static const char *const statuses[] = {"active", "pending", "disabled", NULL};
	const char *status = req_query(r, "status");
	if (!one_of(status, statuses))
		status = NULL;
	const char *q = req_query(r, "q");
	q = q ? trimmed(r->arena, q) : "";
	int64_t page = parse_id(req_query(r, "page"));
	if (page < 1 || page > 100000)
		page = 1;

	page_begin(r, "Accounts");
	html_raw(&r->out, "<h1>Accounts</h1>\n<form class=\"filters\" method=\"get\" "
			  "action=\"/admin/users\" role=\"search\">\n");
	html(&r->out,
	     "<div class=\"field\"><label for=\"f-q\">Name or email</label>"
	     "<input id=\"f-q\" name=\"q\" type=\"search\" value=\"%s\"></div>\n"
	     "<div class=\"field\"><label for=\"f-status\">Status</label>"
	     "<select id=\"f-status\" name=\"status\"><option value=\"\">Any</option>",
	     q);
	for (int i = 0; statuses[i]; i++)
		if (status && !strcmp(status, statuses[i]))
			html(&r->out, "<option selected>%s</option>", statuses[i]);
		else
			html(&r->out, "<option>%s</option>", statuses[i]);
	html_raw(&r->out, "</select></div>\n<button type=\"submit\">Filter</button>\n</form>\n");

	char *like = arena_printf(r->arena, "%%%s%%", q);
	sqlite3_stmt *st = db_prepare(
		r->db, "SELECT u.id, u.name, u.email, u.job_title, coalesce(s.name, ''), u.role, "
		       "u.status FROM users u LEFT JOIN schools s ON s.id = u.school_id "
		       "WHERE u.deleted_at IS NULL AND (:status IS NULL OR u.status = :status) "
		       "AND (:q = '' OR u.name LIKE :like OR u.email LIKE :like) "
		       "ORDER BY u.name, u.id LIMIT :limit OFFSET :offset");
	db_bind_text(st, ":status", status);
	db_bind_text(st, ":q", q);
	db_bind_text(st, ":like", like);
	db_bind_int(st, ":limit", USERS_PER_PAGE + 1);
	db_bind_int(st, ":offset", (page - 1) * USERS_PER_PAGE);
	int n = 0;
	while (db_step(st) == SQLITE_ROW && n < USERS_PER_PAGE) {
		if (n++ == 0)
			html_raw(&r->out, "<table>\n<thead><tr><th scope=\"col\">Name</th>"
					  "<th scope=\"col\">Email</th><th scope=\"col\">School</th>"
					  "<th scope=\"col\">Role</th><th scope=\"col\">Status</th>"
					  "<th scope=\"col\">Actions</th></tr></thead>\n<tbody>\n");
		int64_t id = db_col_int(st, 0);
		const char *role = db_col_text(st, 5), *ustatus = db_col_text(st, 6);
		html(&r->out,
		     "<tr><td>%s<br><span class=\"meta\">%s</span></td><td>%s</td><td>%s</td>"
		     "<td>%s</td><td>%s</td><td>",
		     db_col_text(st, 1), db_col_text(st, 3), db_col_text(st, 2), db_col_text(st, 4),
		     role, ustatus);
		if (id != r->user->id) {
			const char *base = arena_printf(r->arena, "/admin/users/%lld", (long long)id);
			if (!strcmp(ustatus, "pending")) {
				button_form(r, arena_printf(r->arena, "%s/approve", base), "Approve", NULL);
			} else if (!strcmp(ustatus, "active")) {
				html(&r->out,
				     "<form class=\"inline\" method=\"post\" action=\"%s/role\">"
				     "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				     "<input type=\"hidden\" name=\"role\" value=\"%s\">"
				     "<button type=\"submit\" class=\"secondary\">%s</button></form>",
				     base, csrf_token(r),
				     !strcmp(role, "admin") ? "member" : "admin",
				     !strcmp(role, "admin") ? "Make member" : "Make admin");
				button_form(r, arena_printf(r->arena, "%s/disable", base), "Disable",
					    "danger");
			} else {
				button_form(r, arena_printf(r->arena, "%s/enable", base), "Enable", NULL);
			}
			if (strcmp(ustatus, "disabled") != 0)
				button_form(r, arena_printf(r->arena, "%s/reset-password", base),
					    "Password reset link", "secondary");
			html(&r->out, " <a href=\"%s/delete\">Delete…</a>", base);
		} else {
			html_raw(&r->out, "<span class=\"meta\">you</span>");
		}
		html_raw(&r->out, "</td></tr>\n");
	}
	bool more = sqlite3_stmt_busy(st) && n == USERS_PER_PAGE;
	if (n)
		html_raw(&r->out, "</tbody>\n</table>\n");
	else
		html_raw(&r->out, "<p>No accounts match.</p>\n");
	if (page > 1 || more) {
		html_raw(&r->out, "<nav class=\"pager\" aria-label=\"Pages\">");
		const char *qs = arena_printf(r->arena, "q=%s&status=%s", url_encode(r->arena, q),
					      status ? status : "");
		if (page > 1)
			html(&r->out, "<a href=\"/admin/users?%s&page=%lld\">Previous</a> ", qs,
			     (long long)page - 1);
		if (more)
			html(&r->out, "<a href=\"/admin/users?%s&page=%lld\">Next</a>", qs,
			     (long long)page + 1);
		html_raw(&r->out, "</nav>\n");
	}
	page_end(r);
}
